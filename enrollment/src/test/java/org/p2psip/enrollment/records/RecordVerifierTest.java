package org.p2psip.enrollment.records;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.UserCredential;

/** Signed records: what a storing node and a reader accept, and every way a forged one is refused. */
public class RecordVerifierTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private NodeIdentity home;
    private NodeIdentity other;
    private RecordSigner alice;
    private RecordSigner homeNode;
    private RecordSigner otherNode;
    private RecordVerifier verifier;
    private String record;

    @Before
    public void enroll() throws Exception {
        OverlayCa ca = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "t");
        Path h = tmp.getRoot().toPath().resolve("home");
        Path o = tmp.getRoot().toPath().resolve("other");
        ca.enrollPeer(h);
        ca.enrollPeer(o);
        ca.enrollUser("alice", h);
        home = NodeIdentity.load(h);
        other = NodeIdentity.load(o);
        UserCredential a = home.user("alice").orElseThrow();
        alice = new RecordSigner(a.key(), a.certificate());
        homeNode = new RecordSigner(home.key(), home.certificate());
        otherNode = new RecordSigner(other.key(), other.certificate());
        verifier = new RecordVerifier(home.trust(), Duration.ofSeconds(60));
        // a user record as the OM writes it: the serving peer's node id and OM IF, behind a NAT, via a TCP relay
        record = home.nodeId() + "@203.0.113.200:7070;nat;tcp=198.51.100.17:7080";
    }

    private void refused(String key, String value, boolean removal, String why) {
        try {
            verifier.verify(key, value, removal, System.currentTimeMillis());
            fail("accepted: " + value);
        } catch (RecordRefused e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }

    @Test
    public void herHomePeerWritesAndRemovesHerRecordWithinTheValueLimit() throws Exception {
        String v = alice.put("user:alice", record, 3600);
        assertEquals(record, verifier.verify("user:alice", v, false, System.currentTimeMillis()).payload());
        assertTrue("a signed user record is " + v.getBytes(StandardCharsets.UTF_8).length + " bytes",
                v.getBytes(StandardCharsets.UTF_8).length <= 1024);
        String r = alice.remove("user:alice", record);
        assertEquals(record, verifier.verify("user:alice", r, true, System.currentTimeMillis()).payload());
        assertTrue("storage times increase per writer",
                SignedValue.parse(r).storageTime() > SignedValue.parse(v).storageTime());
    }

    @Test
    public void aRecordLargerThanItsKindAllowsIsRefused() throws Exception {
        String big = record + ";" + "x".repeat(AccessRules.USER_PAYLOAD_BYTES);
        refused("user:alice", alice.put("user:alice", big, 3600), false, "more than the 512 its kind may");
        String relay = home.nodeId() + "@203.0.113.200:7070;" + "y".repeat(AccessRules.RELAY_PAYLOAD_BYTES);
        refused("relay:rtp-port", homeNode.put("relay:rtp-port", relay, 3600), false, "more than the 512 its kind may");
        // other keys are bounded by the store's general value limit only
        String other = "z".repeat(800);
        assertEquals(other, verifier.verify("note:x", homeNode.put("note:x", other, 3600), false, System.currentTimeMillis()).payload());
    }

    @Test
    public void nobodyElseWritesOrRemovesHerRecord() {
        refused("user:alice", otherNode.put("user:alice", record, 3600), false, "only with the certificate of user alice");
        refused("user:alice", homeNode.remove("user:alice", record), true, "only with the certificate of user alice");
        refused("user:alice", "192.0.2.66:5060", false, "unsigned");
    }

    @Test
    public void aForgedOrMovedValueIsRefused() {
        String v = alice.put("user:alice", record, 3600);
        String altered = v.substring(0, v.length() - record.length()) + other.nodeId() + "@192.0.2.66:7070";
        refused("user:alice", altered, false, "not its writer's");
        refused("user:bob", v, false, "not its writer's"); // moved to another key
        refused("user:alice", v, true, "used as a removal");
    }

    @Test
    public void aFarFutureDeletionMarkerIsRefused() {
        SignedValue honest = SignedValue.parse(alice.remove("user:alice", record));
        SignedValue future = new SignedValue(SignedValue.REMOVE, Long.MAX_VALUE, 0, honest.certificate(), honest.signature(), record);
        refused("user:alice", future.encode(), true, "ahead of this node's clock");
    }

    @Test
    public void anExpiredPutIsRefused() throws Exception {
        String v = alice.put("user:alice", record, 1);
        verifier.verify("user:alice", v, false, System.currentTimeMillis());
        try {
            verifier.verify("user:alice", v, false, System.currentTimeMillis() + 2000);
            fail("an expired value was accepted");
        } catch (RecordRefused e) {
            assertTrue(e.getMessage(), e.getMessage().contains("expired"));
        }
    }

    @Test
    public void relayRecordsOnlyByTheNodeTheyName() throws Exception {
        String mine = home.nodeId() + "@192.0.2.1:7070;free=10";
        verifier.verify("relay:rtp-port", homeNode.put("relay:rtp-port", mine, 60), false, System.currentTimeMillis());
        refused("relay:rtp-port", otherNode.put("relay:rtp-port", mine, 60), false, "only by the node its value names");
        refused("relay:rtp-port", otherNode.remove("relay:rtp-port", mine), true, "only by the node its value names");
    }

    @Test
    public void anotherCasWriterIsRefused() throws Exception {
        Path r = tmp.getRoot().toPath().resolve("rogue");
        OverlayCa rogueCa = OverlayCa.init(tmp.getRoot().toPath().resolve("rogue-ca"), "t");
        rogueCa.enrollPeer(r);
        rogueCa.enrollUser("alice", r);
        UserCredential fakeAlice = NodeIdentity.load(r).user("alice").orElseThrow();
        refused("user:alice", new RecordSigner(fakeAlice.key(), fakeAlice.certificate()).put("user:alice", record, 3600), false,
                "certificate of the value under user:alice is refused");
    }
}
