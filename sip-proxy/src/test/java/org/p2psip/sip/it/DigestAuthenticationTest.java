package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * SIP digest authentication at a real P2PSIP-Port with a users file, sipp as the phone (its
 * {@code [authentication]} keyword with {@code -au}/{@code -ap}, MD5, the only algorithm sipp 3.6
 * knows): the right password registers (the user record reaches the lookup service), a wrong one gets
 * 401 and changes nothing (alice's binding and record stay as they were), and an INVITE from a user
 * of the port without credentials gets 407 with a challenge per algorithm.
 */
public class DigestAuthenticationTest {
    static final Duration SIPP = Duration.ofSeconds(40);
    static Path work;
    static TestOverlay overlay;
    static P2psipPort port;

    @BeforeClass
    public static void start() throws Exception {
        work = TestPeers.workDir("digest");
        Path dir = Files.createTempDirectory("p2psip-sip-digest");
        Path users = dir.resolve("users");
        Files.write(users, List.of("# the port's users", "alice:wonderland", "carol:c4rol"));
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(dir.resolve("p.sock")).name("peer-d").sipPort(0).overlayPort(0)
                .threads(2).usersFile(users).digestAlgorithms(List.of("MD5", "SHA-256"))).start();
        overlay.attach("peer-d", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(port, overlay);
    }

    static String target() {
        return "127.0.0.1:" + port.sipPort();
    }

    static Sipp register(String user, String password, String contact, int expect) throws Exception {
        Sipp s = Sipp.start(work, "register-auth.xml", Map.of("EXPECT", Integer.toString(expect)), target(), "-key", "user",
                user, "-key", "contact", contact, "-au", user, "-ap", password, "-m", "1", "-timeout", "30s");
        s.assertSuccess(SIPP);
        return s;
    }

    static List<String> record(String user) throws Exception {
        return overlay.node(0).get(TestPeerOm.KEY_PREFIX + user).get(10, TimeUnit.SECONDS);
    }

    @Test
    public void theRightPasswordRegistersAWrongOneChangesNothing() throws Exception {
        try (Sipp ok = register("alice", "wonderland", "127.0.0.1:5971", 200)) {
            assertTrue(ok.actions(), ok.actions().contains("127.0.0.1:5971"));
        }
        List<String> before = record("alice");
        assertEquals("alice's record is in the lookup service", 1, before.size());
        try (Sipp attacker = register("alice", "guess", "127.0.0.1:5972", 401)) {
            assertTrue(attacker.messages(), attacker.messages().contains("WWW-Authenticate: Digest"));
        }
        assertEquals("the record is unchanged", before, record("alice"));
        // her next (right) REGISTER lists her bindings: the attacker's contact is not among them
        try (Sipp again = register("alice", "wonderland", "127.0.0.1:5971", 200)) {
            assertTrue(again.actions(), again.actions().contains("127.0.0.1:5971"));
            assertFalse("nothing was stored for the wrong password: " + again.actions(),
                    again.actions().contains("127.0.0.1:5972"));
        }
    }

    @Test
    public void aUserWhoIsNotInTheFileCannotRegister() throws Exception {
        try (Sipp s = register("mallory", "anything", "127.0.0.1:5973", 401)) {
            assertTrue(s.messages(), s.messages().contains("401"));
        }
        assertTrue("no record for mallory", record("mallory").isEmpty());
    }

    @Test
    public void anInviteFromAUserOfThePortWithoutCredentialsGets407() throws Exception {
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "407"), target(), "-s", "alice",
                "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(SIPP);
            String m = uac.messages();
            assertTrue(m, m.contains("Proxy-Authenticate: Digest") && m.contains("algorithm=MD5")
                    && m.contains("algorithm=SHA-256"));
        }
    }
}
