package org.p2psip.interop.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.experiment.PeerStatus;
import org.p2psip.interop.peer.PeerProcess;
import org.p2psip.sip.bench.KamailioProcess;

/** A system under test of the system benchmark, started fresh for each session and closed after it. */
interface Sut extends AutoCloseable {

    /** Where the caller (sipp UAC) sends its INVITEs and the REGISTER load goes: peer 1, or the (first) Kamailio. */
    int port();

    /** HOST:PORT where the callee (sipp UAS) registers: peer 2, or the (last) Kamailio. */
    String calleeRegistrar();

    /** UDP ports whose traffic the capture on {@link #port()} leaves out (the second proxy of a chain). */
    default List<Integer> notCaptured() {
        return List.of();
    }

    /** Memory of each box (each peer with its SATO-Port processes; each Kamailio with its workers). */
    List<Box> memory();

    /** The processes of the system (each peer; each Kamailio main process), whose trees' CPU time {@link Cpu} sums. */
    List<ProcessHandle> processes();

    /** What is left of past calls: SATOs and RTP-Port sessions summed over the peers (Kamailio: none); -1 entries if a peer did not answer. */
    default long[] left() {
        return new long[] {0, 0};
    }

    /** Whether nothing of past calls is left: every peer's SATO count and RTP-Port session count 0 (Kamailio: always). */
    default boolean drained() {
        long[] l = left();
        return l[0] == 0 && l[1] == 0;
    }

    /** Each peer's SATO and RTP-Port session counts, for the report ("" if the system has none). */
    default String leftovers() {
        return "";
    }

    @Override
    void close();

    /** One box's processes measured: its name and their summed PSS. */
    record Box(String name, Pss.Tree tree) {
    }

    /** The three peers as processes: caller's peer 1, callee's peer 2, relay peer 3. */
    final class Peers implements Sut {
        final List<PeerProcess> peers = new ArrayList<>();
        final PeerProcess p1;
        final PeerProcess p2;
        final PeerProcess p3;

        /**
         * Starts peer 3 (creates the overlay, offers its RTP-Port as relay), then peers 1 and 2 joining
         * through it, each as {@code program peer ...} (the {@code ./p2psip} launcher behind taskset).
         */
        Peers(Path stateRoot, Path logDir, List<String> program, String relayPolicy, List<String> extra) throws Exception {
            this(stateRoot, logDir, program, relayPolicy, extra, null);
        }

        /**
         * As above; with {@code securedUser} non-null the peers run secured (a CA for the run in
         * {@code stateRoot}, each peer enrolled, that user enrolled at each so it may register anywhere).
         */
        Peers(Path stateRoot, Path logDir, List<String> program, String relayPolicy, List<String> extra, String securedUser)
                throws Exception {
            try {
                p3 = add(PeerProcess.start("peer3", stateRoot, program, Map.of(), logDir, args(extra,
                        security(stateRoot, "peer3", securedUser), "--rtp-ports", "28000-31999", "--relay-policy", "never")));
                p1 = add(PeerProcess.start("peer1", stateRoot, program, Map.of(), logDir, args(extra,
                        security(stateRoot, "peer1", securedUser), "--bootstrap", p3.lookup(),
                        "--rtp-ports", "20000-23999", "--relay-policy", relayPolicy, "--offer-relay", "off")));
                p2 = add(PeerProcess.start("peer2", stateRoot, program, Map.of(), logDir, args(extra,
                        security(stateRoot, "peer2", securedUser), "--bootstrap", p3.lookup(),
                        "--rtp-ports", "24000-27999", "--relay-policy", relayPolicy, "--offer-relay", "off")));
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private static String[] args(List<String> extra, List<String> security, String... own) {
            List<String> all = new ArrayList<>(List.of(own));
            all.addAll(security);
            all.addAll(extra);
            return all.toArray(new String[0]);
        }

        /** {@code --security DIR} for a secured peer (enrolled by the run's CA, {@code user} with it); none otherwise. */
        private static List<String> security(Path stateRoot, String peer, String user) throws java.io.IOException {
            if (user == null) {
                return List.of();
            }
            return List.of("--security", org.p2psip.enrollment.RunCa.in(stateRoot).peer(peer, user).toString());
        }

        /** How peer 1 runs its SATO-Ports: as child processes, or in its JVM (no child process). */
        String portsMode() {
            return p1.process().toHandle().descendants().findAny().isPresent()
                    ? "SATO-Ports as child processes (--ports process)" : "SATO-Ports in the peer's JVM (--ports in-process)";
        }

        private PeerProcess add(PeerProcess p) {
            peers.add(p);
            return p;
        }

        @Override
        public int port() {
            return port(p1.sip());
        }

        @Override
        public String calleeRegistrar() {
            return p2.sip();
        }

        private static int port(String hostPort) {
            return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        }

        @Override
        public List<Box> memory() {
            List<Box> out = new ArrayList<>();
            for (PeerProcess p : peers) {
                out.add(new Box(p.name, Pss.of(p.process().toHandle())));
            }
            return out;
        }

        @Override
        public List<ProcessHandle> processes() {
            return peers.stream().map(p -> p.process().toHandle()).toList();
        }

        /** SATOs in the peer's table ({@code peer.status} on its management socket); -1 if it does not answer. */
        static int satos(PeerProcess p) {
            return PeerStatus.ask(p.stateDir.resolve(PeerStatus.SOCKET)).getInt(Fields.SATOS, -1);
        }

        /** Sessions on the peer's RTP-Port ({@code port.status} on its control socket); -1 if it does not answer. */
        static long rtpSessions(PeerProcess p) {
            try (ControlClient c = ControlClient.connect(p.stateDir.resolve("rtp-port.sock"), "bench", "system-benchmark",
                    ControlHandler.NONE, Duration.ofSeconds(5))) {
                return c.call(ControlMessage.request(MessageTypes.PORT_STATUS)).getLong(Fields.SESSIONS, -1);
            } catch (ControlException | RuntimeException e) {
                return -1;
            }
        }

        /** The JVM options peer 1 runs with (what the launcher gave it), for the report. */
        String jvmOptions() {
            List<String> args;
            try {
                String cmdline = java.nio.file.Files.readString(Path.of("/proc", Long.toString(p1.process().pid()), "cmdline"));
                args = List.of(cmdline.split("\0"));
            } catch (java.io.IOException e) {
                return "?";
            }
            List<String> opts = new ArrayList<>();
            for (String a : args.subList(Math.min(1, args.size()), args.size())) {
                if (a.equals("-cp") || a.equals("-classpath")) {
                    break;
                }
                opts.add(a.replaceAll("=/\\S*/", "=.../"));
            }
            return String.join(" ", opts);
        }

        @Override
        public long[] left() {
            long satos = 0;
            long rtp = 0;
            for (PeerProcess p : peers) {
                int s = satos(p);
                long r = rtpSessions(p);
                if (s < 0 || r < 0) {
                    return new long[] {-1, -1};
                }
                satos += s;
                rtp += r;
            }
            return new long[] {satos, rtp};
        }

        @Override
        public String leftovers() {
            StringBuilder sb = new StringBuilder();
            for (PeerProcess p : peers) {
                sb.append(sb.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s: %d SATOs, %d RTP-Port sessions",
                        p.name, satos(p), rtpSessions(p)));
            }
            return sb.toString();
        }

        @Override
        public void close() {
            for (int i = peers.size() - 1; i >= 0; i--) {
                try {
                    peers.get(i).close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One Kamailio (registrar + proxy), or two chained: K1 relays to K2, where the callee is registered. */
    final class Kamailios implements Sut {
        final List<KamailioProcess> ks = new ArrayList<>();

        Kamailios(Path dir, List<String> launcher, boolean chained) throws Exception {
            try {
                KamailioProcess last = KamailioProcess.start(dir.resolve(chained ? "k2" : "k1"), launcher, 0);
                ks.add(last);
                if (chained) {
                    ks.add(0, KamailioProcess.start(dir.resolve("k1"), launcher, last.port()));
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public int port() {
            return ks.get(0).port();
        }

        @Override
        public String calleeRegistrar() {
            return "127.0.0.1:" + ks.get(ks.size() - 1).port();
        }

        @Override
        public List<Integer> notCaptured() {
            return ks.size() > 1 ? List.of(ks.get(1).port()) : List.of();
        }

        @Override
        public List<Box> memory() {
            List<Box> out = new ArrayList<>();
            for (int i = 0; i < ks.size(); i++) {
                out.add(new Box("kamailio " + (i + 1), Pss.of(ks.get(i).process().toHandle())));
            }
            return out;
        }

        @Override
        public List<ProcessHandle> processes() {
            return ks.stream().map(k -> k.process().toHandle()).toList();
        }

        @Override
        public void close() {
            for (int i = ks.size() - 1; i >= 0; i--) {
                ks.get(i).close();
            }
        }
    }
}
