package org.p2psip.lookup.wire;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

/**
 * The lookup transport tells its handler where each request came from (the connection's remote
 * address): what the store counts a put's writer by on an unsecured wire (per-writer limit, see
 * {@code StoreLimits}). A request from 127.0.0.7 over real TCP reaches the handler with that source.
 */
public class RequestSourceTest {
    private TcpTransport transport;

    @After
    public void tearDown() {
        transport.close();
    }

    @Test(timeout = 20_000)
    public void theHandlerSeesTheSourceAddress() throws Exception {
        AtomicReference<InetAddress> seen = new AtomicReference<>();
        transport = new TcpTransport("source-test", Duration.ofSeconds(2));
        Address at = transport.start(new Address("127.0.0.1", 0), new RequestHandler() {
            @Override
            public byte[] handle(int type, byte[] payload) {
                throw new AssertionError("the transport must call the handler with the source");
            }

            @Override
            public byte[] handle(int type, byte[] payload, Id caller, InetAddress source) {
                seen.set(source);
                return payload;
            }
        });
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.7"), 0));
            s.connect(new InetSocketAddress(at.host(), at.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(FrameCodec.encode(new Frame(5, false, 3, "hi".getBytes(StandardCharsets.UTF_8))));
            Frame f = FrameCodec.read(s.getInputStream());
            assertEquals(3, f.requestId());
            assertEquals(ErrorCodes.OK, f.payload()[0]);
        }
        assertEquals(InetAddress.getByName("127.0.0.7"), seen.get());
    }
}
