package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.wire.LinkSecurity;

/**
 * A secured ring on real loopback TLS: members with the overlay CA's certificates form a ring at the
 * ids the CA chose; a node of another CA, or without TLS, can neither join nor store; a node
 * claiming an id its certificate does not carry is not taken into the ring (attack tests 3 and 4 at
 * the lookup service).
 */
public class SecuredRingTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final TestRing ring = new TestRing();
    private final List<AutoCloseable> others = new ArrayList<>();
    private OverlayCa ca;
    private int enrolled;
    private final List<String> certified = new ArrayList<>();

    @Before
    public void makeCa() throws Exception {
        ca = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "test");
    }

    @After
    public void stop() throws Exception {
        for (AutoCloseable c : others) {
            c.close();
        }
        ring.close();
    }

    private NodeIdentity enroll(OverlayCa by) throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("peer" + enrolled++);
        by.enrollPeer(dir);
        return NodeIdentity.load(dir);
    }

    static LinkSecurity tls(NodeIdentity id) {
        return new LinkSecurity(id.tlsContext(), OverlayTls::peerNodeId);
    }

    private static ChordConfig secured(NodeIdentity id, Id claimed) {
        return TestRing.fastConfig().nodeId(claimed).security(tls(id)).build();
    }

    private List<ChordNode> securedRing(int n) throws Exception {
        List<ChordNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeIdentity id = enroll(ca);
            certified.add(id.nodeId());
            nodes.add(ring.start(secured(id, Id.fromHex(id.nodeId()))));
        }
        ring.awaitStable(Duration.ofSeconds(20));
        return nodes;
    }

    @Test
    public void membersFormARingAtTheIdsTheCaChoseAndStore() throws Exception {
        List<ChordNode> nodes = securedRing(3);
        nodes.get(0).put("user:alice", "v1", 60).join();
        assertEquals(List.of("v1"), nodes.get(2).get("user:alice").join());
        for (int i = 0; i < nodes.size(); i++) {
            assertEquals("node " + i + " runs at the id in its certificate", certified.get(i), nodes.get(i).id().toHex());
            assertTrue(ring.stable());
        }
    }

    @Test
    public void aNodeOfAnotherCaCannotJoinOrStore() throws Exception {
        List<ChordNode> nodes = securedRing(2);
        NodeIdentity rogue = enroll(OverlayCa.init(tmp.getRoot().toPath().resolve("rogue-ca"), "test"));
        ChordNode r = new ChordNode(secured(rogue, Id.fromHex(rogue.nodeId())));
        others.add(r::close);
        try {
            r.join(nodes.get(0).ref().toAddress());
            fail("a node of another CA joined the ring");
        } catch (LookupException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("TLS"));
        }
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(nodes.get(0).ref().toAddress()), Duration.ofSeconds(2), tls(rogue))) {
            c.putSync("user:alice", "rogue", 60);
            fail("a client of another CA stored a value");
        } catch (LookupException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("TLS"));
        }
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(nodes.get(0).ref().toAddress()), Duration.ofSeconds(2))) {
            c.putSync("user:alice", "plain", 60);
            fail("a client without TLS stored a value");
        } catch (LookupException expected) {
            // the server's handshake fails on the plain frame; the client sees the connection end
        }
        assertEquals(List.of(), nodes.get(1).get("user:alice").join());
    }

    @Test
    public void aNodeClaimingAnIdNotInItsCertificateIsNotTakenIntoTheRing() throws Exception {
        List<ChordNode> nodes = securedRing(3);
        // the attacker places itself just before hash(user:alice), to be handed her records
        Id target = Id.hash("user:alice");
        Id claimed = Id.of(target.toBigInteger().subtract(java.math.BigInteger.ONE));
        NodeIdentity liar = enroll(ca); // a valid certificate, for another id
        ChordNode l = new ChordNode(secured(liar, claimed));
        others.add(l::close);
        l.join(nodes.get(0).ref().toAddress()); // it may route through the ring like any client
        for (int i = 0; i < 20; i++) {
            for (ChordNode n : nodes) {
                n.stabilizeNow();
            }
            l.stabilizeNow();
        }
        for (ChordNode n : nodes) {
            NodeStatus s = n.status();
            assertFalse(n + " took the liar as predecessor", s.predecessor() != null && s.predecessor().id().equals(claimed));
            assertFalse(n + " lists the liar as successor", s.successors().stream().anyMatch(x -> x.id().equals(claimed)));
            assertFalse("user:alice is routed to the liar", n.lookup("user:alice").join().owner().id().equals(claimed));
        }
    }
}
