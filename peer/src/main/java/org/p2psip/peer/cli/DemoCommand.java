package org.p2psip.peer.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlMessage;
import org.p2psip.enrollment.RunCa;
import org.p2psip.experiment.RtpStats;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.slf4j.LoggerFactory;

/**
 * {@code ./p2psip demo}: the paper's verification on loopback. Three peers; alice registers at
 * peer 1, bob at peer 2; alice calls bob with the relay policy forcing a relay, which the caller's
 * OM finds on peer 3 through the lookup service. The call flow is printed as it happens (Figure 4),
 * then the media statistics per leg. Exit status 0 only if media flowed both ways through the relay.
 */
public final class DemoCommand {
    private DemoCommand() {
    }

    public static int run(String[] args) {
        int seconds = 4;
        int hold = 0;
        String ports = "in-process";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help":
                case "-h":
                    System.out.println("usage: ./p2psip demo [--seconds N] [--hold SECONDS] [--ports process|in-process]\n\n"
                            + "Three overlay peers on loopback, phones alice (peer 1) and bob (peer 2), a call from alice to\n"
                            + "bob through an RTP-Port relay on peer 3 found in the lookup service. Prints the call flow in the\n"
                            + "paper's terms, then the media statistics per leg. Exit 0 only if media flowed both ways through\n"
                            + "the relay. --ports process runs every SATO-Port as its own process (slower to start).\n"
                            + "Each peer serves its web view (node, ring, SATO table, RTP-Port sessions, the call's ladder) on\n"
                            + "loopback; the URLs are printed first. --hold SECONDS keeps the overlay up that long after the call\n"
                            + "so a person can look at the pages.");
                    return 0;
                case "--seconds":
                    seconds = Integer.parseInt(args[++i]);
                    break;
                case "--hold":
                    hold = Integer.parseInt(args[++i]);
                    if (hold < 0) {
                        System.err.println("p2psip demo: --hold must not be negative");
                        return 2;
                    }
                    break;
                case "--ports":
                    ports = args[++i];
                    break;
                default:
                    System.err.println("p2psip demo: unknown option " + args[i] + " (see --help)");
                    return 2;
            }
        }
        quietLogsButFlow();
        List<AutoCloseable> owned = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            Path state = Files.createTempDirectory("p2psip-demo-");
            RunCa ca = RunCa.in(state);
            say("An overlay CA for this run enrolls three peers (Node-IDs chosen by the CA) and the users alice (home: peer1), bob (home: peer2)");
            say("Starting three overlay peers on 127.0.0.1 (OM, lookup node, P2PSIP-Port, RTP-Port each; lookup service, TCP relay and SIP between the peers over mutual TLS)");
            Peer p3 = start(owned, "peer3", state, null, "never", ports, ca.peer("peer3"));
            Peer p1 = start(owned, "peer1", state, p3.bootstrapAddress(), "always", ports, ca.peer("peer1", "alice"));
            Peer p2 = start(owned, "peer2", state, p3.bootstrapAddress(), "always", ports, ca.peer("peer2", "bob"));
            say("peer3 created the overlay; peer1 and peer2 joined through it; peer3 offers its RTP-Port as a relay");
            say("Web view of each peer (read-only, loopback; the call's ladder is recorded from now on):");
            for (Peer p : List.of(p1, p2, p3)) {
                p.operatorListener().view().keepRecording();
                System.out.println("  " + p.config().name() + ": " + p.operatorListener().viewUrl());
            }

            Phone alice = phone(owned, "alice", p1);
            Phone bob = phone(owned, "bob", p2);
            alice.register();
            bob.register();
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try {
                    bob.answer(Duration.ofSeconds(20));
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            say("alice calls bob");
            alice.call("bob", Duration.ofSeconds(20));
            answered.get(20, TimeUnit.SECONDS);
            boolean media = alice.awaitMedia(Duration.ofSeconds(10)) && bob.awaitMedia(Duration.ofSeconds(10));
            say("call established" + (media ? "; media flowing, holding " + seconds + " s" : "; NO MEDIA yet"));
            Thread.sleep(seconds * 1000L);

            Map<String, ControlMessage> stats = new LinkedHashMap<>();
            stats.put("peer1 RTP1", p1.rtpStats());
            stats.put("peer3 RTP3 (relay)", p3.rtpStats());
            stats.put("peer2 RTP2", p2.rtpStats());
            say("alice hangs up (BYE)");
            alice.hangup();
            bob.awaitHangup(Duration.ofSeconds(10));
            MediaStats a = alice.stats();
            MediaStats b = bob.stats();

            System.out.println();
            System.out.println("Media statistics per leg (packets in/out, RTP loss, interarrival jitter):");
            long relayed = 0;
            for (Map.Entry<String, ControlMessage> e : stats.entrySet()) {
                relayed += printStats(e.getKey(), e.getValue(), e.getKey().contains("relay"));
            }
            System.out.println("  phone alice: " + a.summary());
            System.out.println("  phone bob:   " + b.summary());
            Thread.sleep(500);
            boolean clean = p1.overlayManager().satos().size() == 0 && p2.overlayManager().satos().size() == 0
                    && p3.overlayManager().satos().size() == 0;
            System.out.println();
            boolean ok = a.flowedBothWays() && b.flowedBothWays() && relayed > 0;
            System.out.printf("Result: %s (media both ways: alice %s, bob %s; packets through the relay: %d; SATOs left: %s) in %.1f s%n",
                    ok ? "OK" : "FAILED", a.flowedBothWays(), b.flowedBothWays(), relayed, clean ? "none" : "some",
                    (System.nanoTime() - t0) / 1e9);
            if (hold > 0) {
                say("holding the overlay up for " + hold + " s: the web views above show the ring and the call's ladder");
                Thread.sleep(hold * 1000L);
            }
            return ok ? 0 : 1;
        } catch (Exception e) {
            System.err.println("p2psip demo failed: " + e.getMessage());
            return 1;
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception e) {
                    System.err.println("demo: stopping " + owned.get(i) + ": " + e.getMessage());
                }
            }
        }
    }

    private static Peer start(List<AutoCloseable> owned, String name, Path state, String bootstrap, String policy, String ports,
            Path security) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("security", security.toString());
        s.put("relay-policy", policy);
        s.put("ports", ports);
        s.put("http", "127.0.0.1:0");
        s.put("rtp-ports", name.equals("peer1") ? "21000-21099" : name.equals("peer2") ? "22000-22099" : "23000-23099");
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private static Phone phone(List<AutoCloseable> owned, String user, Peer peer) throws Exception {
        Phone ph = Phone.start(PhoneConfig.builder(user, HostPort.parse(peer.sipAddress()).toSocketAddress())
                .listen("127.0.0.1", 0)
                .steps(line -> System.out.println("  [phone " + user + "] " + line))
                .build());
        owned.add(ph);
        return ph;
    }

    private static long printStats(String where, ControlMessage m, boolean relay) {
        long forwarded = 0;
        System.out.println("  " + where + ":");
        for (String session : RtpStats.sessions(m)) {
            for (String leg : m.getAll(session + ":leg")) {
                String p = session + ":" + leg + ".";
                long in = m.getLong(p + "packets_in", 0);
                System.out.printf("    %-8s in %5d  out %5d  lost %3s  jitter %6s ms  remote %s%n", leg, in,
                        m.getLong(p + "packets_out", 0), m.get(p + "rtp_lost", "-"), m.get(p + "jitter_ms", "-"),
                        m.get(p + "remote", "-"));
                if (relay) {
                    forwarded += in;
                }
            }
        }
        return forwarded;
    }

    private static void say(String s) {
        System.out.println("== " + s);
    }

    /** The flow lines on stdout; everything else only when P2PSIP_LOG_LEVEL asks for it. */
    private static void quietLogsButFlow() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (System.getenv("P2PSIP_LOG_LEVEL") == null && System.getProperty("p2psip.log.level") == null) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("  %msg%n");
        enc.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setEncoder(enc);
        out.setName("flow");
        out.start();
        ch.qos.logback.classic.Logger flow = ctx.getLogger("p2psip.flow");
        flow.setLevel(Level.INFO);
        flow.setAdditive(false);
        flow.addAppender(out);
    }
}
