package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.types.OmException;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.types.Address;

/**
 * A far OM that closes the connection without answering (a peer killed while the OM IF client held
 * a kept-alive HTTPS connection to it, seen in the congestion experiment as an EOFException) is
 * "unreachable", as a refused connection is: the caller's P2PSIP-Port then answers 480 Temporarily
 * Unavailable, not 503.
 */
public class GoneOmIsUnreachableTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 30_000)
    public void anOmClosingTheConnectionWithoutAnAnswerIsUnreachable() throws Exception {
        Path sec = RunCa.in(tmp.getRoot().toPath()).peer("caller");
        try (ServerSocket gone = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!gone.isClosed()) {
                    try (Socket s = gone.accept()) {
                        // what the client sends first arrives (a TLS ClientHello, or a whole HTTP request),
                        // then the far end closes without a word (FIN)
                        s.setSoTimeout(300);
                        byte[] buf = new byte[65536];
                        try {
                            while (s.getInputStream().read(buf) > 0) {
                                // drained
                            }
                        } catch (java.net.SocketTimeoutException quiet) {
                            // nothing more comes: close
                        }
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "closer");
            closer.setDaemon(true);
            closer.start();
            Address om = new Address("127.0.0.1", gone.getLocalPort());
            for (SoapOmIfClient client : new SoapOmIfClient[] {SoapOmIfClient.secured(LocalOms.tls(sec)), new SoapOmIfClient()}) {
                try (SoapOmIfClient c = client) {
                    new RemoteOverlayManager(c, () -> "caller", () -> null).ping(om, 1, 0);
                    fail("a ping answered by a closed connection succeeded");
                } catch (OmException e) {
                    assertEquals(e.getMessage(), OmException.Kind.UNREACHABLE, e.kind());
                }
            }
        }
    }
}
