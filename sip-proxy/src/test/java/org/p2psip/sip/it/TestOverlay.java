package org.p2psip.sip.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.sip.P2psipPort;

/**
 * The overlay side of the P2PSIP-Port tests: a real Chord ring on loopback (the lookup service,
 * with replication) and, per P2PSIP-Port, a small real Overlay Manager ({@link TestPeerOm}) that
 * connects to the port's control socket. Not a mock of SIP: the SIP side is always real.
 */
public final class TestOverlay implements AutoCloseable {
    private final List<LookupService> ring = new ArrayList<>();
    private final List<TestPeerOm> oms = new ArrayList<>();
    /** Peer record -> the overlay address of that peer's P2PSIP-Port (what the OMs negotiate). */
    final Map<String, String> overlayAddresses = new ConcurrentHashMap<>();

    /** A ring of {@code nodes} Chord nodes (the first ones serve the peers' OMs). */
    public static TestOverlay start(int nodes) throws Exception {
        TestOverlay o = new TestOverlay();
        try {
            for (int i = 0; i < nodes; i++) {
                ChordConfig c = ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(3)
                        .stabilizeInterval(Duration.ofMillis(100)).checkPredecessorInterval(Duration.ofMillis(200))
                        .fixFingersInterval(Duration.ofMillis(250)).repairInterval(Duration.ofMillis(300))
                        .rpcTimeout(Duration.ofMillis(2000)).build();
                ChordNode n = new ChordNode(c);
                if (i == 0) {
                    n.start();
                } else {
                    n.join(((ChordNode) o.ring.get(0)).ref().toAddress());
                }
                o.ring.add(n);
            }
            // let the ring settle so every node can route every key
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                boolean ok = true;
                for (LookupService n : o.ring) {
                    ((ChordNode) n).stabilizeNow();
                    ((ChordNode) n).fixFingersNow();
                }
                for (LookupService n : o.ring) {
                    try {
                        n.get("settle-probe").get(2, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        ok = false;
                    }
                }
                if (ok) {
                    break;
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            o.close();
            throw e;
        }
        return o;
    }

    /** One lookup service for every OM, in memory (benchmark only: the P2PSIP-Port's capacity without the DHT's). */
    public static TestOverlay inMemory() {
        TestOverlay o = new TestOverlay();
        InMemoryLookup shared = new InMemoryLookup();
        for (int i = 0; i < 3; i++) {
            o.ring.add(shared);
        }
        return o;
    }

    public LookupService node(int i) {
        return ring.get(i);
    }

    /** Connects a new OM to {@code port}'s control socket, using ring node {@code node} as its lookup service. */
    public TestPeerOm attach(String record, P2psipPort port, int node) throws Exception {
        overlayAddresses.put(record, port.address() + ":" + port.overlayPort());
        TestPeerOm om = TestPeerOm.connect(this, record, port.config().controlSocket(), ring.get(node),
                20000 + 10000 * (oms.size() % 4));
        synchronized (oms) {
            oms.add(om);
        }
        return om;
    }

    @Override
    public void close() {
        synchronized (oms) {
            for (TestPeerOm om : oms) {
                om.close();
            }
        }
        for (LookupService n : ring) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
    }
}
