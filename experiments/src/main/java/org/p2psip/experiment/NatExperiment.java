package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.p2psip.control.ControlMessage;
import org.p2psip.enrollment.RunCa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's NAT experiment (Sec. 5.3), for real: two overlay peers behind symmetric NATs, each
 * with a phone, and a public peer that is the overlay's bootstrap and offers its relays. The two
 * NATed peers join through the public peer, find its TCP relay and its RTP-Port relay in the
 * lookup service, and a call from the phone behind NAT 1 to the phone behind NAT 2 runs with the
 * signalling SATO and the media SATO through the public peer, for longer than the NATs' UDP
 * binding timeout. A direct UDP and TCP attempt between the two private hosts, in the same run,
 * shows that nothing else would have worked.
 *
 * <pre>
 *   phone alice --- peer-a (10.1.0.2) --[NAT r1 203.0.113.101]--+
 *                                                              +-- relay peer (203.0.113.10): bootstrap, TCP relay, RTP-Port relay
 *   phone bob   --- peer-b (10.2.0.2) --[NAT r2 203.0.113.102]--+
 * </pre>
 *
 * Every process runs inside its namespace; the experiment reads the peers' state over their
 * Unix-domain control sockets (the file system is shared between namespaces) and the phones'
 * reports from their output. {@link #run} returns a {@link NatExperimentReport}; the network is
 * removed afterwards whatever happened.
 */
public final class NatExperiment {
    private static final Logger log = LoggerFactory.getLogger(NatExperiment.class);
    static final String CALLER = "alice";
    static final String CALLEE = "bob";

    /** What to run: where logs go, the NATs' UDP binding timeout, how long the call lasts, which NAT. */
    public record Settings(Path workDir, int udpTimeoutSeconds, int callSeconds, NatMode mode) {
        /** Symmetric NATs with a 10 s UDP timeout and a 16 s call: the call outlives the bindings it started with. */
        public static Settings defaults(Path workDir) {
            return new Settings(workDir, 10, 16, NatMode.SYMMETRIC);
        }
    }

    private final Settings settings;
    private final Consumer<String> say;
    private final List<ExperimentProcess> processes = new ArrayList<>();

    private NatExperiment(Settings settings, Consumer<String> say) {
        this.settings = settings;
        this.say = say;
    }

    /** Builds the network, runs the experiment, removes the network; {@code say} hears the progress. */
    public static NatExperimentReport run(Settings settings, Consumer<String> say) throws IOException, InterruptedException {
        return new NatExperiment(settings, say).run();
    }

    private NatExperimentReport run() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        NatExperimentReport.Builder report = NatExperimentReport.builder(settings);
        long t0 = System.nanoTime();
        say.accept("building the network: public segment 203.0.113.0/24, two private networks behind "
                + settings.mode().name().toLowerCase().replace('_', '-') + " NATs (UDP binding timeout "
                + settings.udpTimeoutSeconds() + " s)");
        try (NatNetwork net = NatNetwork.builder().mode(settings.mode()).udpTimeoutSeconds(settings.udpTimeoutSeconds())
                .udpStreamTimeoutSeconds(settings.udpTimeoutSeconds()).build()) {
            try {
                runIn(net, report);
            } finally {
                stopAll();
            }
        } finally {
            report.seconds((System.nanoTime() - t0) / 1e9);
        }
        say.accept("network removed");
        NatExperimentReport r = report.build();
        r.writeFiles(settings.workDir());
        return r;
    }

    private void runIn(NatNetwork net, NatExperimentReport.Builder report) throws IOException, InterruptedException {
        Host pub = net.publicHost();
        Host h1 = net.privateHost(1);
        Host h2 = net.privateHost(2);
        Path work = settings.workDir();

        say.accept("starting the relay peer on " + pub.ip() + " (creates the overlay, offers its RTP-Port and its TCP relay)");
        ExperimentProcess relay = peer(net, pub, "relay", List.of("--offer-relay", "on", "--relay-policy", "never"));
        relay.awaitLine("peer relay up", Duration.ofSeconds(90));
        String bootstrap = pub.ip() + ":4000";

        say.accept("starting peer-a on " + h1.ip() + " and peer-b on " + h2.ip() + ", both behind NATs (--nat on --bootstrap "
                + bootstrap + ")");
        List<String> natArgs = List.of("--nat", "on", "--bootstrap", bootstrap, "--offer-relay", "off",
                "--nat-keepalive", String.valueOf(Math.max(1, settings.udpTimeoutSeconds() / 2)));
        ExperimentProcess a = peer(net, h1, "peer-a", natArgs);
        ExperimentProcess b = peer(net, h2, "peer-b", natArgs);
        a.awaitLine("peer peer-a up", Duration.ofSeconds(90));
        b.awaitLine("peer peer-b up", Duration.ofSeconds(90));
        PeerStatus relayStatus = PeerStatus.ask(work.resolve("relay").resolve(PeerStatus.SOCKET));
        PeerStatus aStatus = PeerStatus.ask(work.resolve("peer-a").resolve(PeerStatus.SOCKET));
        PeerStatus bStatus = PeerStatus.ask(work.resolve("peer-b").resolve(PeerStatus.SOCKET));
        report.peers(relayStatus, aStatus, bStatus);
        say.accept("peer-a reachable through the relay peer: OM IF " + aStatus.get("relayed.om") + ", P2PSIP-Port "
                + aStatus.get("relayed.sip"));
        say.accept("peer-b reachable through the relay peer: OM IF " + bStatus.get("relayed.om") + ", P2PSIP-Port "
                + bStatus.get("relayed.sip"));

        say.accept("phone " + CALLEE + " registers at peer-b and waits; phone " + CALLER + " registers at peer-a and calls "
                + CALLEE + " for " + settings.callSeconds() + " s");
        ExperimentProcess bob = phone(net, h2, CALLEE, List.of("--answer", "--wait", "120",
                "--seconds", String.valueOf(settings.callSeconds() + 30)));
        bob.awaitLine("registered", Duration.ofSeconds(60));
        ExperimentProcess alice = phone(net, h1, CALLER, List.of("--call", CALLEE, "--wait", "60",
                "--seconds", String.valueOf(settings.callSeconds())));
        alice.awaitLine("answered by", Duration.ofSeconds(90));
        long established = System.nanoTime();
        report.callEstablished(true);
        say.accept("call established; sampling the relay's RTP-Port every second");

        Path relayRtp = work.resolve("relay").resolve("rtp-port.sock");
        while (alice.isAlive()) {
            long elapsed = (System.nanoTime() - established) / 1_000_000_000L;
            ControlMessage m = RtpStats.ask(relayRtp);
            if (m != null && !RtpStats.sessions(m).isEmpty()) {
                report.relaySample(elapsed, m);
                report.endpointRtp("peer-a RTP1", RtpStats.ask(work.resolve("peer-a").resolve("rtp-port.sock")));
                report.endpointRtp("peer-b RTP2", RtpStats.ask(work.resolve("peer-b").resolve("rtp-port.sock")));
                report.tcpRelay(PeerStatus.ask(work.resolve("relay").resolve(PeerStatus.SOCKET)));
            }
            Thread.sleep(1000);
        }
        report.caller(alice.awaitExit(Duration.ofSeconds(60)), alice.lines());
        report.callee(bob.awaitExit(Duration.ofSeconds(60)), bob.lines());
        say.accept("call ended (BYE from " + CALLER + ")");

        Thread.sleep(1500);
        ControlMessage after = RtpStats.ask(relayRtp);
        report.relaySessionsAfterCall(after == null ? -1 : RtpStats.sessions(after).size());
        report.satosAfterCall(PeerStatus.ask(work.resolve("relay").resolve(PeerStatus.SOCKET)).getInt("satos", -1)
                + PeerStatus.ask(work.resolve("peer-a").resolve(PeerStatus.SOCKET)).getInt("satos", -1)
                + PeerStatus.ask(work.resolve("peer-b").resolve(PeerStatus.SOCKET)).getInt("satos", -1));

        say.accept("direct attempt between the private hosts (what the peers could do without the overlay)");
        report.direct(DirectAttempt.run(net, work.resolve("agents")));
    }

    private ExperimentProcess peer(NatNetwork net, Host host, String name, List<String> extra) throws IOException {
        Path state = settings.workDir().resolve(name);
        Files.createDirectories(state);
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--bind", host.ip(), "--sip-port", "5060",
                "--om-port", "7070", "--dht-port", "4000", "--ports", "in-process", "--state-dir", state.toString()));
        args.addAll(List.of("--security", RunCa.in(settings.workDir()).peer(name).toString()));
        args.addAll(extra);
        return start(net, host, name, "-Xmx192m", args);
    }

    private ExperimentProcess phone(NatNetwork net, Host host, String user, List<String> extra) throws IOException {
        RunCa.in(settings.workDir()).user(user); // she may register at any peer of the run
        List<String> args = new ArrayList<>(List.of("phone", "--user", user, "--proxy", host.ip() + ":5060",
                "--listen", host.ip() + ":0"));
        args.addAll(extra);
        return start(net, host, "phone-" + user, "-Xmx96m", args);
    }

    private ExperimentProcess start(NatNetwork net, Host host, String name, String heap, List<String> args) throws IOException {
        ExperimentProcess p = ExperimentProcess.start(net, host, name, heap, args, settings.workDir().resolve(name + ".log"));
        processes.add(p);
        return p;
    }

    /** Phones first, then the NATed peers, then the relay peer: each gets SIGTERM and a grace period. */
    private void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).stop(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("stopping {}: {}", processes.get(i), e.getMessage());
            }
        }
    }
}
