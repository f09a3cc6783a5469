package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;

/**
 * A peer ({@code ./p2psip peer --ports process}) killed with SIGKILL leaves no SATO-Port process
 * behind: its RTP-Port and P2PSIP-Port notice that their Overlay Manager is gone and stop.
 */
public class SigkilledPeerTest {
    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 120_000)
    public void satoPortProcessesEndWithinSecondsOfTheirPeer() throws Exception {
        Path root = Files.createTempDirectory("p2psip-sigkill-");
        PeerProcess peer = owned.track(PeerProcess.start("peerK", root, "--rtp-ports", "24300-24399", "--ports", "process"));
        List<ProcessHandle> ports = peer.children();
        assertEquals("the RTP-Port and the P2PSIP-Port run as child processes: " + peer.children(), 2, ports.size());

        peer.kill();
        long killed = System.nanoTime();
        for (ProcessHandle port : ports) {
            while (port.isAlive() && System.nanoTime() - killed < 10_000_000_000L) {
                Thread.sleep(50);
            }
        }
        long goneMs = (System.nanoTime() - killed) / 1_000_000;
        for (ProcessHandle port : ports) {
            assertFalse("SATO-Port process " + port.pid() + " still runs 10 s after its peer was SIGKILLed\n" + peer.logTail(),
                    port.isAlive());
        }
        System.out.println("[sigkill] SATO-Port processes gone " + goneMs + " ms after SIGKILL of their peer");
    }
}
