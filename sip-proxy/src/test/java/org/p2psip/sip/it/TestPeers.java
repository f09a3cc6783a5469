package org.p2psip.sip.it;

import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * Two P2PSIP-Ports, A and B, each with its OM stand-in ({@link TestPeerOm}) on ring nodes 0 and 1 of
 * a {@link TestOverlay}, and the set-up every port test starts with.
 */
public final class TestPeers implements AutoCloseable {
    public final TestOverlay overlay;
    public final P2psipPort a;
    public final P2psipPort b;
    public final TestPeerOm omA;
    public final TestPeerOm omB;

    private TestPeers(TestOverlay overlay, P2psipPort a, P2psipPort b, TestPeerOm omA, TestPeerOm omB) {
        this.overlay = overlay;
        this.a = a;
        this.b = b;
        this.omA = omA;
        this.omB = omB;
    }

    /**
     * Starts ports {@code peer-a} and {@code peer-b} with {@code config(socket, name)} and waits until both
     * OMs are connected. On failure everything started, {@code overlay} included, is closed again.
     */
    public static TestPeers start(TestOverlay overlay, BiFunction<Path, String, P2psipPortConfig> config) throws Exception {
        P2psipPort a = null;
        P2psipPort b = null;
        try {
            Path sockets = Files.createTempDirectory("p2psip-sip-test");
            a = new P2psipPort(config.apply(sockets.resolve("a.sock"), "peer-a")).start();
            b = new P2psipPort(config.apply(sockets.resolve("b.sock"), "peer-b")).start();
            TestPeers peers = new TestPeers(overlay, a, b, overlay.attach("peer-a", a, 0), overlay.attach("peer-b", b, 1));
            waitFor("both OMs connected", () -> peers.a.isOverlayManagerConnected() && peers.b.isOverlayManagerConnected());
            return peers;
        } catch (Exception | AssertionError e) {
            closeAll(a, b, overlay);
            throw e;
        }
    }

    /** The directory for {@code test}'s sipp runs; fails at once if sipp is not installed. */
    public static Path workDir(String test) throws Exception {
        Sipp.binary();
        Path work = Path.of("target", "sipp", test);
        Files.createDirectories(work);
        return work;
    }

    /** Waits up to 20 s for {@code cond}; fails the test with {@code what} otherwise. */
    public static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Closes each of {@code things} that is not null, in order. */
    public static void closeAll(AutoCloseable... things) {
        for (AutoCloseable c : things) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close " + c + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        closeAll(a, b, overlay);
    }
}
