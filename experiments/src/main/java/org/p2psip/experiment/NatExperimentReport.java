package org.p2psip.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlMessage;

/**
 * What the NAT experiment saw: the peers and their relayed addresses, the TCP relay's allocations
 * (the signalling SATO's path), the RTP-Ports' packet counts per leg (the media SATO's path),
 * the phones' reports, the direct attempt, and what was left after the call. {@link #lines()} is
 * the printed report; {@link #problems()} lists every expectation that failed; {@link #writeFiles} writes
 * it with the relay's legs per second of the call as CSV and PNG.
 */
public final class NatExperimentReport {

    /** One leg of an RTP-Port session: packets in and out, and the far address it sends to or latched onto. */
    public record Leg(String session, String leg, long packetsIn, long packetsOut, String remote) {
    }

    private final Builder b;

    private NatExperimentReport(Builder b) {
        this.b = b;
    }

    static Builder builder(NatExperiment.Settings s) {
        return new Builder(s);
    }

    public boolean callEstablished() {
        return b.callEstablished;
    }

    public int callerExit() {
        return b.callerExit;
    }

    public int calleeExit() {
        return b.calleeExit;
    }

    /** The relay RTP-Port's legs in the last sample taken during the call. */
    public List<Leg> relayLegs() {
        return legs(b.lastRelaySample);
    }

    /** The relay's legs in the first sample taken after the NATs' UDP timeout had passed (empty if none). */
    public List<Leg> relayLegsAfterTimeout() {
        return legs(b.afterTimeoutSample);
    }

    /** Packets the relay received from either side between the sample after the UDP timeout and the last one. */
    public long relayPacketsAfterTimeout() {
        if (b.afterTimeoutSample == null || b.lastRelaySample == null) {
            return 0;
        }
        return totalIn(relayLegs()) - totalIn(relayLegsAfterTimeout());
    }

    /** The relay peer's TCP relay allocations during the call: name -> {address, accepted, bytes}. */
    public Map<String, Map<String, String>> tcpRelayAllocations() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (b.tcpRelay == null) {
            return out;
        }
        for (Map.Entry<String, String> e : b.tcpRelay.fields().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("tcp-relay.") && k.indexOf('.', 10) > 0) {
                String name = k.substring(10, k.lastIndexOf('.'));
                out.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(k.substring(k.lastIndexOf('.') + 1), e.getValue());
            }
        }
        return out;
    }

    public DirectAttempt direct() {
        return b.direct;
    }

    public int relaySessionsAfterCall() {
        return b.relaySessionsAfterCall;
    }

    public int satosAfterCall() {
        return b.satosAfterCall;
    }

    public PeerStatus peer(String name) {
        return b.peers.getOrDefault(name, new PeerStatus(Map.of()));
    }

    /** The expectations of the paper's experiment that this run did not meet; empty: it reproduced. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!b.callEstablished) {
            p.add("the call was not established");
        }
        if (b.callerExit != 0) {
            p.add("phone " + NatExperiment.CALLER + " reports failure (exit " + b.callerExit + ")");
        }
        if (b.calleeExit != 0) {
            p.add("phone " + NatExperiment.CALLEE + " reports failure (exit " + b.calleeExit + ")");
        }
        List<Leg> relay = relayLegs();
        if (relay.size() < 2 || relay.stream().anyMatch(l -> l.packetsIn() == 0 || l.packetsOut() == 0)) {
            p.add("the relay's RTP-Port did not carry media both ways: " + relay);
        }
        if (relayPacketsAfterTimeout() <= 0) {
            p.add("no media through the relay after the NATs' UDP timeout (" + b.settings.udpTimeoutSeconds() + " s)");
        }
        if (!signallingRelayed()) {
            p.add("no signalling through the relay peer's TCP relay: " + tcpRelayAllocations());
        }
        if (b.direct == null) {
            p.add("the direct attempt did not run");
        } else if (b.settings.mode() == NatMode.SYMMETRIC && b.direct.anyGotThrough()) {
            p.add("a direct path between the private hosts worked, so the NATs are not symmetric: " + b.direct);
        }
        if (b.relaySessionsAfterCall != 0) {
            p.add("RTP-Port sessions left on the relay after the call: " + b.relaySessionsAfterCall);
        }
        if (b.satosAfterCall != 0) {
            p.add("SATOs left after the call: " + b.satosAfterCall);
        }
        return p;
    }

    /** Whether SIP went through the TCP relay: the callee's P2PSIP-Port allocation accepted a connection and carried bytes. */
    public boolean signallingRelayed() {
        Map<String, String> sip = tcpRelayAllocations().get("peer-b-sip");
        return sip != null && parse(sip.get("accepted")) > 0 && parse(sip.get("bytes_in")) > 0 && parse(sip.get("bytes_out")) > 0;
    }

    public boolean ok() {
        return problems().isEmpty();
    }

    /** The report as printed by {@code ./p2psip experiment nat}. */
    public List<String> lines() {
        List<String> o = new ArrayList<>();
        NatExperiment.Settings s = b.settings;
        o.add(String.format(Locale.ROOT, "NAT experiment (paper Sec. 5.3): %s NATs, UDP binding timeout %d s, call of %d s, %.0f s in all",
                s.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'), s.udpTimeoutSeconds(), s.callSeconds(), b.seconds));
        o.add("");
        o.add("Peers");
        PeerStatus relay = peer("relay");
        PeerStatus a = peer("peer-a");
        PeerStatus pb = peer("peer-b");
        o.add("  relay   " + relay.get("om") + "  public; created the overlay; TCP relay " + relay.get("tcp-relay")
                + "; RTP-Port offered as relay");
        o.add("  peer-a  behind NAT r1 (203.0.113.101); lookup through " + a.get("lookup") + "; reached at OM IF "
                + a.get("relayed.om") + ", P2PSIP-Port " + a.get("relayed.sip"));
        o.add("  peer-b  behind NAT r2 (203.0.113.102); lookup through " + pb.get("lookup") + "; reached at OM IF "
                + pb.get("relayed.om") + ", P2PSIP-Port " + pb.get("relayed.sip"));
        o.add("");
        // a run's peers are secured (RunCa): SIP over mutual TLS between the P2PSIP-Ports, spliced by the relay
        o.add("Signalling SATO (SIP over TLS, end to end through the TCP relay's splice)");
        o.add("  phone alice -> P2PSIP-Port peer-a (10.1.0.2:5060) -> NAT r1 -> relay peer's TCP relay " + pb.get("relayed.sip")
                + " -> NAT r2 -> P2PSIP-Port peer-b (10.2.0.2) -> phone bob; OM IF requests likewise (" + pb.get("relayed.om") + ")");
        o.add("  TCP relay allocations on the relay peer (connections accepted, bytes towards the NATed peer / back):");
        for (Map.Entry<String, Map<String, String>> e : tcpRelayAllocations().entrySet()) {
            Map<String, String> v = e.getValue();
            o.add(String.format(Locale.ROOT, "    %-11s %-22s accepted %3s  bytes %8s / %8s", e.getKey(), v.getOrDefault("address", "-"),
                    v.getOrDefault("accepted", "-"), v.getOrDefault("bytes_in", "-"), v.getOrDefault("bytes_out", "-")));
        }
        o.add("");
        o.add("Media SATO (RTP over UDP): RTP1 (peer-a) -> NAT r1 -> RTP3 (relay peer) -> NAT r2 -> RTP2 (peer-b)");
        o.add("  packets per leg, last sample during the call (in / out, far address):");
        for (Map.Entry<String, ControlMessage> e : b.endpoints.entrySet()) {
            if (e.getKey().contains("RTP1")) {
                legLines(o, e.getKey(), legs(e.getValue()));
            }
        }
        legLines(o, "relay RTP3", relayLegs());
        for (Map.Entry<String, ControlMessage> e : b.endpoints.entrySet()) {
            if (e.getKey().contains("RTP2")) {
                legLines(o, e.getKey(), legs(e.getValue()));
            }
        }
        o.add(String.format(Locale.ROOT, "  after the UDP timeout (from t = %d s of the call): %d more packets through the relay",
                b.afterTimeoutSecond, relayPacketsAfterTimeout()));
        for (String line : b.phoneReports) {
            o.add("  " + line);
        }
        o.add("");
        o.add("Without the overlay (same run)");
        if (b.direct != null) {
            o.add("  UDP hole punching with reflector-learned addresses (" + b.direct.mapped1() + ", " + b.direct.mapped2()
                    + "): host 1 received " + b.direct.udpReceived1() + ", host 2 received " + b.direct.udpReceived2());
            o.add("  TCP from 10.1.0.2 to NAT r2: " + b.direct.tcp());
        }
        o.add("");
        o.add("After the call: RTP-Port sessions on the relay " + b.relaySessionsAfterCall + ", SATOs on the three peers "
                + b.satosAfterCall);
        List<String> problems = problems();
        String direct = b.direct == null ? "" : b.direct.anyGotThrough()
                ? ", and (control case) the direct UDP attempt got through these port-preserving NATs"
                : ", and no direct path existed";
        o.add(problems.isEmpty() ? "Result: OK - both NATed peers joined through the public peer, the call ran with signalling and"
                + " media through it" + direct
                : "Result: FAILED - " + String.join("; ", problems));
        return o;
    }

    /** report.txt, nat.csv (the relay's legs per second of the call) and nat.png in {@code dir}. */
    void writeFiles(Path dir) throws IOException {
        Files.write(dir.resolve("report.txt"), lines(), StandardCharsets.UTF_8);
        NatPlot.writeCsv(dir.resolve("nat.csv"), b.timeline);
        NatPlot.writePng(dir.resolve("nat.png"), b.timeline, b.settings.udpTimeoutSeconds());
    }

    private static void legLines(List<String> o, String where, List<Leg> legs) {
        o.add("    " + where + ":");
        for (Leg l : legs) {
            o.add(String.format(Locale.ROOT, "      %-8s in %5d  out %5d  %s", l.leg(), l.packetsIn(), l.packetsOut(), l.remote()));
        }
    }

    static List<Leg> legs(ControlMessage m) {
        List<Leg> out = new ArrayList<>();
        if (m == null) {
            return out;
        }
        for (String session : RtpStats.sessions(m)) {
            for (String leg : m.getAll(session + ":leg")) {
                String p = session + ":" + leg + ".";
                out.add(new Leg(session, leg, m.getLong(p + "packets_in", 0), m.getLong(p + "packets_out", 0),
                        m.get(p + "remote", "-")));
            }
        }
        return out;
    }

    private static long totalIn(List<Leg> legs) {
        return legs.stream().mapToLong(Leg::packetsIn).sum();
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static final class Builder {
        private final NatExperiment.Settings settings;
        private final Map<String, PeerStatus> peers = new LinkedHashMap<>();
        private final Map<String, ControlMessage> endpoints = new LinkedHashMap<>();
        private final List<String> phoneReports = new ArrayList<>();
        /** At most {@value #MAX_SAMPLES} leg samples (an hour's call with four legs). */
        private static final int MAX_SAMPLES = 14_400;
        private final List<NatPlot.Sample> timeline = new ArrayList<>();
        private boolean callEstablished;
        private int callerExit = -1;
        private int calleeExit = -1;
        private ControlMessage lastRelaySample;
        private ControlMessage afterTimeoutSample;
        private long afterTimeoutSecond = -1;
        private PeerStatus tcpRelay;
        private DirectAttempt direct;
        private int relaySessionsAfterCall = -1;
        private int satosAfterCall = -1;
        private double seconds;

        private Builder(NatExperiment.Settings settings) {
            this.settings = settings;
        }

        void peers(PeerStatus relay, PeerStatus a, PeerStatus pb) {
            peers.put("relay", relay);
            peers.put("peer-a", a);
            peers.put("peer-b", pb);
        }

        void callEstablished(boolean v) {
            callEstablished = v;
        }

        void relaySample(long second, ControlMessage m) {
            lastRelaySample = m;
            for (Leg l : legs(m)) {
                if (timeline.size() < MAX_SAMPLES) {
                    timeline.add(new NatPlot.Sample(second, l));
                }
            }
            if (afterTimeoutSample == null && second > settings.udpTimeoutSeconds()) {
                afterTimeoutSample = m;
                afterTimeoutSecond = second;
            }
        }

        void endpointRtp(String where, ControlMessage m) {
            if (m != null && !RtpStats.sessions(m).isEmpty()) {
                endpoints.put(where, m);
            }
        }

        void tcpRelay(PeerStatus s) {
            if (!s.fields().isEmpty()) {
                tcpRelay = s;
            }
        }

        void caller(int exit, List<String> lines) {
            callerExit = exit;
            report(NatExperiment.CALLER, lines);
        }

        void callee(int exit, List<String> lines) {
            calleeExit = exit;
            report(NatExperiment.CALLEE, lines);
        }

        private void report(String who, List<String> lines) {
            for (String l : lines) {
                if (l.startsWith("report:") || l.startsWith("result:")) {
                    phoneReports.add("phone " + who + ": " + l);
                }
            }
        }

        void relaySessionsAfterCall(int n) {
            relaySessionsAfterCall = n;
        }

        void satosAfterCall(int n) {
            satosAfterCall = n;
        }

        void direct(DirectAttempt d) {
            direct = d;
        }

        void seconds(double s) {
            seconds = s;
        }

        NatExperimentReport build() {
            return new NatExperimentReport(this);
        }
    }
}
