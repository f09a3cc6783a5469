package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.enrollment.RunCa;
import org.p2psip.enrollment.records.RecordSigner;
import org.p2psip.enrollment.records.SignedValue;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.wire.LinkSecurity;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * Issue 15's attack tests 1, 3 and 4 against three real secured peers on loopback (TLS, Chord,
 * SIP, the project's phones): alice's home peer is peer1, bob's peer2. A rogue member of the overlay
 * (a valid node certificate) tries to take or lock alice's record; nodes without a certificate, or
 * with another CA's, try to join and store; a node claims an id its certificate does not carry.
 */
public class TrustAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule(order = 1)
    public final Owned owned = new Owned();
    private RunCa ca;
    private Path state;
    private Peer p1;
    private Peer p2;
    private Peer p3;

    @Before
    public void startOverlay() throws Exception {
        state = tmp.getRoot().toPath();
        ca = RunCa.in(state);
        p3 = peer("peer3", null);
        p1 = peer("peer1", p3.bootstrapAddress(), "alice", "carol");
        p2 = peer("peer2", p3.bootstrapAddress(), "bob");
    }

    @Test
    public void aRogueMemberCannotTakeRemoveOrLockAlicesRecord() throws Exception {
        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        bob.register();
        String record = awaitRecord("alice", p2);

        NodeIdentity rogue = NodeIdentity.load(ca.peer("rogue"));
        try (RemoteLookupClient c = client(rogue)) {
            List<String> raw = c.get("user:alice").get(10, TimeUnit.SECONDS);
            assertEquals("one signed value under user:alice: " + raw, 1, raw.size());
            SignedValue hers = SignedValue.parse(raw.get(0));
            RecordSigner rogueSigner = new RecordSigner(rogue.key(), rogue.certificate());
            String me = rogue.nodeId() + "@127.0.0.1:9";

            forbidden(() -> c.putSync("user:alice", me, 3600), "unsigned");
            forbidden(() -> c.putSync("user:alice", rogueSigner.put("user:alice", me, 3600), 3600),
                    "only with the certificate of user alice");
            forbidden(() -> c.removeSync("user:alice", rogueSigner.remove("user:alice", hers.payload())),
                    "only with the certificate of user alice");
            forbidden(() -> c.removeSync("user:alice", raw.get(0)), "used as a removal"); // her own put, replayed
            String marker = new SignedValue(SignedValue.REMOVE, Long.MAX_VALUE, 0, hers.certificate(), hers.signature(),
                    hers.payload()).encode();
            forbidden(() -> c.removeSync("user:alice", marker), "ahead of this node's clock");

            assertEquals("nothing else stored under user:alice", List.of(raw.get(0)), c.get("user:alice").get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(record), p2.lookupService().get("user:alice").get(10, TimeUnit.SECONDS));

        // bob's call rings alice, and only her
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                alice.answer(WAIT);
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        bob.call("alice", WAIT);
        answered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(alice.inCall() && bob.inCall());
        bob.hangup();
        alice.awaitHangup(WAIT);

        // her next REGISTERs are stored: a removal and a put again, in the order she makes them
        alice.unregister();
        assertEquals(List.of(), p2.lookupService().get("user:alice").get(10, TimeUnit.SECONDS));
        alice.register();
        assertEquals(record, awaitRecord("alice", p2));
    }

    @Test
    public void aNodeWithoutCertificateOrOfAnotherCaCannotJoinOrStore() throws Exception {
        Address ring = Address.parse(p3.bootstrapAddress());
        ChordNode plain = own(new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).build()));
        refused(() -> plain.join(ring));
        Path otherDir = state.resolve("other-ca-peer");
        OverlayCa.init(state.resolve("other-ca"), "run").enrollPeer(otherDir);
        NodeIdentity other = NodeIdentity.load(otherDir);
        ChordNode foreign = own(new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).nodeId(Id.fromHex(other.nodeId()))
                .security(tls(other)).build()));
        refused(() -> foreign.join(ring));
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(ring), Duration.ofSeconds(3))) {
            refused(() -> c.putSync("user:alice", "192.0.2.66:5060", 3600));
        }
        try (RemoteLookupClient c = client(other)) {
            refused(() -> c.putSync("user:alice", "192.0.2.66:5060", 3600));
        }
        java.util.Set<Id> members = java.util.Set.of(p1.lookupNode().id(), p2.lookupNode().id(), p3.lookupNode().id());
        for (Peer p : List.of(p1, p2, p3)) {
            NodeStatus st = p.lookupNode().status();
            assertTrue(p.config().name() + " knows a node that is not a member: " + st,
                    members.containsAll(st.successors().stream().map(n -> n.id()).collect(java.util.stream.Collectors.toSet()))
                            && (st.predecessor() == null || members.contains(st.predecessor().id())));
        }
        assertEquals(List.of(), p2.lookupService().get("user:alice").get(10, TimeUnit.SECONDS));
    }

    @Test
    public void aNodeClaimingAnIdNotInItsCertificateIsRefusedByTheRing() throws Exception {
        Phone alice = phone("alice", p1);
        alice.register();
        String record = awaitRecord("alice", p2);
        // a valid member places itself just before hash(user:alice), to be handed her record
        Id claimed = Id.of(Id.hash("user:alice").toBigInteger().subtract(BigInteger.ONE));
        NodeIdentity liar = NodeIdentity.load(ca.peer("liar"));
        ChordNode l = own(new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).nodeId(claimed).security(tls(liar))
                .stabilizeInterval(Duration.ofMillis(100)).build()));
        l.join(Address.parse(p3.bootstrapAddress()));
        Thread.sleep(3000); // many stabilization rounds of the liar and of the ring
        for (Peer p : List.of(p1, p2, p3)) {
            NodeStatus s = p.lookupNode().status();
            assertFalse(p.config().name() + " took the liar as predecessor", s.predecessor() != null && s.predecessor().id().equals(claimed));
            assertFalse(p.config().name() + " lists the liar", s.successors().stream().anyMatch(n -> n.id().equals(claimed)));
            assertFalse("user:alice routed to the liar", p.lookupNode().lookup("user:alice").get(10, TimeUnit.SECONDS).owner().id().equals(claimed));
        }
        assertEquals(List.of(record), p2.lookupService().get("user:alice").get(10, TimeUnit.SECONDS));
    }

    @Test
    public void aUserRegistersOnlyAtAPeerHoldingHerCertificate() throws Exception {
        Phone roaming = phone("carol", p2); // carol's certificate is at peer1 only
        try {
            roaming.register();
            fail("carol registered at a peer that holds no certificate of hers");
        } catch (PhoneException e) {
            assertEquals(e.getMessage(), 503, e.statusCode());
            assertTrue(e.getMessage(), e.getMessage().contains("no certificate of user carol"));
        }
        assertEquals(List.of(), p1.lookupService().get("user:carol").get(10, TimeUnit.SECONDS));
        Phone home = phone("carol", p1);
        home.register();
        awaitRecord("carol", p2);
    }

    // ---------------------------------------------------------------------------------------------

    private interface Attempt {
        void run() throws Exception;
    }

    private static void forbidden(Attempt a, String why) throws Exception {
        try {
            a.run();
            fail("accepted; expected a refusal saying: " + why);
        } catch (LookupException e) {
            assertEquals(e.getMessage(), Reason.FORBIDDEN, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }

    /** Fails with a TLS error, whatever the exception's type. */
    private static void refused(Attempt a) throws Exception {
        try {
            a.run();
            fail("an unauthenticated node was served");
        } catch (LookupException e) {
            assertTrue(e.getMessage(), e.reason() == Reason.UNREACHABLE || e.reason() == Reason.TIMEOUT);
        }
    }

    private String awaitRecord(String user, Peer reader) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> v = reader.lookupService().get("user:" + user).get(10, TimeUnit.SECONDS);
            if (v.size() == 1) {
                return v.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("user:" + user + " is " + v + " at " + reader.config().name());
            }
            Thread.sleep(100);
        }
    }

    private RemoteLookupClient client(NodeIdentity id) {
        return new RemoteLookupClient(List.of(Address.parse(p3.bootstrapAddress())), Duration.ofSeconds(5), tls(id));
    }

    private static LinkSecurity tls(NodeIdentity id) {
        return new LinkSecurity(id.tlsContext(), OverlayTls::peerNodeId);
    }

    private <T extends AutoCloseable> T own(T t) {
        owned.add(t);
        return t;
    }

    private Peer peer(String name, String bootstrap, String... users) throws Exception {
        Map<String, String> s = TestPeers.securedPeer(ca, state, name, bootstrap, users);
        s.put("rtp-ports", name.equals("peer1") ? "21100-21199" : name.equals("peer2") ? "22100-22199" : "23100-23199");
        return own(Peer.start(PeerConfig.of(s)));
    }

    private Phone phone(String user, Peer peer) throws Exception {
        return own(Phone.start(TestPeers.phoneAt(user, peer).build()));
    }
}
