package org.p2psip.interop.peer;

import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.control.ControlMessage;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;

/**
 * The paper's verification set-up on loopback, in this JVM: peer3 creates the overlay and offers its
 * RTP-Port as a relay (relay-policy never), peers 1 and 2 join through it with the given policy.
 * SATO-Ports run in-process; every peer has its own RTP port range.
 */
final class InProcessOverlay implements AutoCloseable {

    final Peer peer1;
    final Peer peer2;
    final Peer peer3;
    private final Peer[] all;

    private InProcessOverlay(Peer p1, Peer p2, Peer p3) {
        this.peer1 = p1;
        this.peer2 = p2;
        this.peer3 = p3;
        this.all = new Peer[] {p1, p2, p3};
    }

    static InProcessOverlay start(String relayPolicy, Map<String, String> extraPeer2) throws Exception {
        return start(relayPolicy, Map.of(), extraPeer2);
    }

    /** As {@link #start(String, Map)}, with {@code extraAll} options for every peer (peer2's own win). */
    static InProcessOverlay start(String relayPolicy, Map<String, String> extraAll, Map<String, String> extraPeer2)
            throws Exception {
        Path state = Files.createTempDirectory("p2psip-interop-peer-");
        Peer p3 = null;
        Peer p1 = null;
        Map<String, String> peer2 = new LinkedHashMap<>(extraAll);
        peer2.putAll(extraPeer2);
        try {
            p3 = peer("peer3", state, null, "never", "26000-26099", extraAll);
            p1 = peer("peer1", state, p3.bootstrapAddress(), relayPolicy, "24000-24099", extraAll);
            Peer p2 = peer("peer2", state, p3.bootstrapAddress(), relayPolicy, "25000-25099", peer2);
            InProcessOverlay o = new InProcessOverlay(p1, p2, p3);
            o.awaitStableRing(30_000);
            return o;
        } catch (Exception | Error e) {
            if (p1 != null) {
                p1.close();
            }
            if (p3 != null) {
                p3.close();
            }
            throw e;
        }
    }

    private static Peer peer(String name, Path state, String bootstrap, String policy, String rtpPorts,
            Map<String, String> extra) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        // a CA for the test's overlay; the tests' users alice and bob may register at any of its peers
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name, "alice", "bob", "carol", "dave", "erin").toString());
        s.put("relay-policy", policy);
        s.put("ports", "in-process");
        s.put("rtp-ports", rtpPorts);
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        s.putAll(extra);
        return Peer.start(PeerConfig.of(s));
    }

    /**
     * Waits until the three lookup nodes form one consistent ring (each node's successor has it as
     * predecessor). Records stored while the ring still stabilises can be missed by a lookup from
     * another node for a moment (seen: REGISTER bob 0.2 s before the INVITE -> 404), so the phones
     * register only after this.
     */
    void awaitStableRing(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            StringBuilder why = new StringBuilder();
            for (Peer p : all) {
                org.p2psip.lookup.chord.NodeStatus st = p.lookupNode().status();
                if (st.successors().isEmpty() || st.successors().get(0).id().equals(st.self().id())) {
                    why.append(p.config().name()).append(": no successor; ");
                    continue;
                }
                org.p2psip.lookup.chord.NodeRef succ = st.successors().get(0);
                for (Peer q : all) {
                    if (q.lookupNode().id().equals(succ.id())) {
                        org.p2psip.lookup.chord.NodeRef pred = q.lookupNode().status().predecessor();
                        if (pred == null || !pred.id().equals(st.self().id())) {
                            why.append(q.config().name()).append(": predecessor not ").append(p.config().name()).append("; ");
                        }
                    }
                }
            }
            if (why.length() == 0) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the lookup ring did not stabilise within " + timeoutMs + " ms: " + why);
            }
            Thread.sleep(100);
        }
    }

    /** Polls until no RTP-Port has a session and no OM holds a SATO; fails with what is left. */
    void awaitNothingLeft(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String left;
        while (true) {
            left = leftovers();
            if (left.isEmpty()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("after the call, still left after " + timeoutMs + " ms: " + left);
            }
            Thread.sleep(200);
        }
    }

    String leftovers() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Peer p : all) {
            ControlMessage st = p.rtpStats();
            if (!RelayStats.sessions(st).isEmpty()) {
                sb.append(p.config().name()).append(" RTP-Port: ").append(RelayStats.describe(st)).append(' ');
            }
            int satos = p.overlayManager().satos().size();
            if (satos != 0) {
                sb.append(p.config().name()).append(" OM: ").append(satos).append(" SATO(s) ");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (int i = all.length - 1; i >= 0; i--) {
            try {
                all[i].close();
            } catch (RuntimeException e) {
                System.err.println("closing " + all[i].config().name() + ": " + e);
            }
        }
    }
}
