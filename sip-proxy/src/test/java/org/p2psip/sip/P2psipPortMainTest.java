package org.p2psip.sip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.control.message.PortShutdown;
import org.p2psip.control.message.PortStatus;

public class P2psipPortMainTest {

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return P2psipPortMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    public void helpAndBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--overlay-port"));
        assertEquals(2, run(out, err, "--sip-port", "5060"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--control PATH is required"));
        assertEquals(2, run(out, err, "--control", "/tmp/x", "--sip-port", "70000"));
        assertEquals(2, run(out, err, "--control", "/tmp/x", "--sdp-rewrite", "maybe"));
        assertEquals(2, run(out, err, "--control", "/tmp/x", "--frobnicate", "1"));
        assertEquals(2, run(out, err, "--control"));
    }

    @Test
    public void runsUntilItsOverlayManagerSaysShutdown() throws Exception {
        Path dir = Files.createTempDirectory("p2psip-sip-main");
        Path sock = dir.resolve("port.sock");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger rc = new AtomicInteger(-1);
        Thread t = new Thread(() -> rc.set(run(out, new ByteArrayOutputStream(), "--control", sock.toString(),
                "--sip-port", "0", "--overlay-port", "0", "--sdp-rewrite", "off", "--name", "main-test")));
        t.start();
        try (ControlClient om = ControlClient.connect(sock, "om", "test", ControlHandler.NONE, Duration.ofSeconds(20))) {
            P2psipPortStatus status = P2psipPortStatus.from(om.call(new PortStatus().toMessage()));
            assertEquals("main-test", status.name());
            assertEquals("off", status.sdpRewrite());
            om.call(new PortShutdown().toMessage());
        }
        t.join(20_000);
        assertEquals(0, rc.get());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("P2PSIP-Port main-test"));
        assertTrue("socket removed", !Files.exists(sock));
    }
}
