package org.p2psip.peer.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.types.Address;
import org.p2psip.peer.LocalOms;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;

/**
 * {@code ./p2psip status HOST:PORT} against a secured peer, whose OM IF is HTTPS with client
 * certificates: on the peer's host it presents the peer's own certificate (found through
 * {@link LocalOms}); elsewhere {@code --security DIR} presents another peer certificate of the
 * overlay; another CA's certificate gets no answer, and says what to do.
 */
public class SecuredStatusCommandTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void statusOfASecuredPeerOnItsHostAndWithAPeerCertificate() throws Exception {
        Path state = tmp.getRoot().toPath();
        RunCa ca = RunCa.in(state);
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults("sec", state.resolve("sec")));
        s.put("ports", "in-process");
        s.put("offer-relay", "off");
        s.put("security", ca.peer("sec").toString());
        Address om;
        try (Peer p = Peer.start(PeerConfig.of(s))) {
            om = p.overlayManager().address();
            assertTrue("the peer's own note: " + LocalOms.securityDirOf(om), LocalOms.securityDirOf(om).isPresent());
            String[] r = run(om.toString());
            assertEquals(r[1], "0", r[0]);
            assertTrue(r[1], r[1].contains("OM IF       v1 at https://" + om + "/om/v1"));
            assertTrue(r[1], r[1].contains("security    secured: lookup service wire, OM IF (HTTPS with client certificates)"));
            assertTrue(r[1], r[1].contains("node        " + p.overlayManager().nodeId()));

            r = run(om.toString(), "--json", "--security", ca.peer("operator").toString());
            assertEquals(r[2], "0", r[0]);
            assertTrue(r[1], r[1].contains("\"om_if_url\":\"https://" + om + "/om/v1\""));

            Path otherDir = state.resolve("other-ca-peer");
            OverlayCa.init(state.resolve("other-ca"), "run").enrollPeer(otherDir);
            r = run(om.toString(), "--security", otherDir.toString());
            assertEquals(r[1], "1", r[0]);
            assertTrue(r[2], r[2].startsWith("p2psip status: "));

            r = run(om.toString(), "--security");
            assertEquals("2", r[0]);
            assertTrue(r[2], r[2].contains("--security needs a directory"));
        }
        assertFalse("the note is gone with the peer", LocalOms.securityDirOf(om).isPresent());
    }

    /** Exit status, stdout, stderr. */
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
