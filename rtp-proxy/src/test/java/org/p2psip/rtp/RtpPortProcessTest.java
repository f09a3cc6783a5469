package org.p2psip.rtp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.rtp.control.RtpPortClient;
import org.p2psip.rtp.config.RtpPortConfig;

/** The RTP-Port as its own process (what {@code ./p2psip rtp-port} runs), driven only over its control socket. */
public class RtpPortProcessTest {
    private Path dir;
    private Process process;
    private RtpPortClient om;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-proc");
    }

    @After
    public void tearDown() throws Exception {
        if (om != null) {
            om.close();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private Path start() throws Exception {
        Path socket = dir.resolve("rtp.sock");
        int[] r = TestSupport.randomRange(100);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx64m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RtpPortMain.class.getName());
        cmd.add("--control");
        cmd.add(socket.toString());
        cmd.add("--name");
        cmd.add("child");
        cmd.add("--ports");
        cmd.add(r[0] + "-" + r[1]);
        cmd.add("--idle-timeout");
        cmd.add("30");
        cmd.add("--workers");
        cmd.add("1");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        om = RtpPortClient.connect(socket, "om", "test-om", RtpPortClient.ignoreEvents(), Duration.ofSeconds(60));
        return socket;
    }

    private int childSockets() throws Exception {
        return TestSupport.countSockets(Path.of("/proc", Long.toString(process.pid()), "fd"));
    }

    @Test
    public void runsAloneForwardsLeaksNothingAndStopsOnSigterm() throws Exception {
        Path socket = start();
        assertEquals("child", om.status().get(Fields.NAME));
        try (UdpPeer phone = new UdpPeer(); UdpPeer far = new UdpPeer()) {
            ControlMessage a = om.allocateEndpoint("p1", "udp");
            om.connectLeg("p1", "ua", "passive", phone.address());
            om.call(RtpConnect.of("p1", "overlay", RtpConnect.ACTIVE, far.address()).withKeepalive(Duration.ZERO).toMessage());
            byte[] up = TestSupport.rtp(0, 1, 0, 1, 160);
            phone.send(up, RtpAllocateAnswer.from(a).leg("ua").rtp());
            UdpPeer.Received r = far.receive(10000);
            assertNotNull(r);
            assertArrayEquals(up, r.data());
            byte[] down = TestSupport.rtp(0, 1, 0, 2, 160);
            far.send(down, RtpAllocateAnswer.from(a).leg("overlay").port());
            r = phone.receive(10000);
            assertNotNull(r);
            assertArrayEquals(down, r.data());
            om.release("p1");
        }
        for (int i = 0; i < 10; i++) {
            om.allocateEndpoint("w" + i, "udp");
            om.release("w" + i);
        }
        int before = childSockets();
        for (int i = 0; i < 300; i++) {
            om.allocateEndpoint("c" + i, i % 3 == 0 ? "tcp" : "udp");
            om.release("c" + i);
        }
        assertEquals("sockets of the RTP-Port process (/proc/PID/fd)", before, childSockets());

        process.destroy(); // SIGTERM
        assertTrue("the RTP-Port exits on SIGTERM", process.waitFor(20, TimeUnit.SECONDS));
        assertFalse("socket file removed", Files.exists(socket));
        String log = Files.readString(dir.resolve("child.log"));
        assertTrue(log, log.contains("rtp-port child: control socket"));
    }

    @Test
    public void portShutdownEndsTheProcessWithStatusZero() throws Exception {
        Path socket = start();
        om.allocateRelay("r", "tcp", "udp");
        om.shutdown();
        assertTrue("the RTP-Port exits after port.shutdown", process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertFalse(Files.exists(socket));
    }

    @Test
    public void commandLine() {
        assertEquals(0, RtpPortMain.run(new String[] {"--help"}));
        assertEquals(2, RtpPortMain.run(new String[] {}));
        assertEquals(2, RtpPortMain.run(new String[] {"--control", "/tmp/x.sock", "--ports", "9-3"}));
        assertEquals(2, RtpPortMain.run(new String[] {"--control", "/tmp/x.sock", "--idle-timeout", "0"}));
        assertEquals(2, RtpPortMain.run(new String[] {"--control", "/tmp/x.sock", "--frobnicate", "1"}));
        RtpPortConfig c = RtpPortMain.parse(new String[] {"--control", "/tmp/x.sock", "--bind", "127.0.0.1", "--ports=4000-4099",
            "--idle-timeout", "7.5", "--keepalive", "2", "--workers", "3", "--max-sessions", "10", "--name", "n"});
        assertEquals(4000, c.portLow());
        assertEquals(4099, c.portHigh());
        assertEquals(Duration.ofMillis(7500), c.idleTimeout());
        assertEquals(Duration.ofSeconds(2), c.keepaliveInterval());
        assertEquals(3, c.workers());
        assertEquals(10, c.maxSessions());
        assertEquals("n", c.name());
        assertEquals(new File("/tmp/x.sock").toPath(), c.controlSocket());
    }
}
