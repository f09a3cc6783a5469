package org.p2psip.enrollment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The overlay CA: what it issues, what a peer loads, and what it refuses. */
public class OverlayCaTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aPeerGetsTheNodeIdTheCaChoseInItsCertificate() throws Exception {
        OverlayCa ca = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "test");
        Path peer = tmp.getRoot().toPath().resolve("peer1");
        String id = ca.enrollPeer(peer);
        NodeIdentity me = NodeIdentity.load(peer);
        assertEquals(id, me.nodeId());
        assertEquals(id, OverlayNames.nodeIdOf(me.certificate()).orElseThrow());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(peer.resolve(SecurityDir.NODE_KEY))));
        // two peers never get the same id
        assertFalse(id.equals(ca.enrollPeer(tmp.getRoot().toPath().resolve("peer2"))));
    }

    @Test
    public void aUserCertificateIsHeldByHerHomePeerAndSigns() throws Exception {
        OverlayCa ca = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "test");
        Path peer = tmp.getRoot().toPath().resolve("peer1");
        ca.enrollPeer(peer);
        ca.enrollUser("alice", peer);
        NodeIdentity me = NodeIdentity.load(peer);
        UserCredential alice = me.user("alice").orElseThrow();
        assertEquals("alice", OverlayNames.userOf(alice.certificate()).orElseThrow());
        byte[] data = "user:alice".getBytes(StandardCharsets.UTF_8);
        byte[] sig = alice.sign(data);
        assertTrue(Signatures.verify(alice.certificate().getPublicKey(), data, sig));
        assertFalse("the node's key is not alice's", Signatures.verify(me.certificate().getPublicKey(), data, sig));
        assertFalse(Signatures.verify(alice.certificate().getPublicKey(), "user:bob".getBytes(StandardCharsets.UTF_8), sig));
        me.trust().check(alice.certificate(), System.currentTimeMillis());
    }

    @Test
    public void anotherCasCertificateIsNotTrusted() throws Exception {
        OverlayCa ours = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "ours");
        OverlayCa theirs = OverlayCa.init(tmp.getRoot().toPath().resolve("rogue-ca"), "ours"); // same name, other key
        Path rogue = tmp.getRoot().toPath().resolve("rogue");
        theirs.enrollPeer(rogue);
        try {
            new OverlayTrust(ours.certificate()).check(NodeIdentity.load(rogue).certificate(), System.currentTimeMillis());
            fail("a certificate of another CA with the same name was trusted");
        } catch (CertificateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not signed by this overlay's CA"));
        }
    }

    @Test
    public void aPeerWithoutCertificateIsToldTheCommandThatEnrollsIt() {
        Path dir = tmp.getRoot().toPath().resolve("nothing");
        try {
            NodeIdentity.load(dir);
            fail("loaded an identity from an empty directory");
        } catch (EnrollmentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("./p2psip ca enroll-peer " + dir + " --ca CA_DIR"));
        }
    }

    @Test
    public void nothingIsOverwritten() throws Exception {
        Path caDir = tmp.getRoot().toPath().resolve("ca");
        OverlayCa ca = OverlayCa.init(caDir, "test");
        Path peer = tmp.getRoot().toPath().resolve("p");
        ca.enrollPeer(peer);
        try {
            OverlayCa.init(caDir, "again");
            fail("a second init overwrote the CA");
        } catch (EnrollmentException e) {
            assertTrue(e.getMessage().contains("already holds an overlay CA"));
        }
        try {
            ca.enrollPeer(peer);
            fail("a second enrollment overwrote the peer's certificate");
        } catch (EnrollmentException e) {
            assertTrue(e.getMessage().contains("already holds a peer certificate"));
        }
    }

    @Test
    public void theCommandLineMakesACaAPeerAndAUser() throws Exception {
        String ca = tmp.getRoot().toPath().resolve("ca").toString();
        String peer = tmp.getRoot().toPath().resolve("peer").toString();
        assertEquals(0, CaCommand.run(new String[] {"init", ca}));
        assertEquals(0, CaCommand.run(new String[] {"enroll-peer", peer, "--ca", ca}));
        assertEquals(0, CaCommand.run(new String[] {"enroll-user", "alice", "--peer", peer, "--ca", ca}));
        assertEquals(1, CaCommand.run(new String[] {"enroll-user", "al ice", "--peer", peer, "--ca", ca}));
        assertEquals(2, CaCommand.run(new String[] {"frobnicate", peer}));
        assertTrue(NodeIdentity.load(Path.of(peer)).user("alice").isPresent());
    }
}
