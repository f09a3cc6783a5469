package org.p2psip.control.message;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.FrameCodec;
import org.p2psip.control.MessageTypes;

/** Typed messages framed by the real {@link FrameCodec} over real Unix-domain sockets and decoded on the other side. */
public class TypedMessagesOverSocketsTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aTypedMessageSurvivesFramingOverAUnixSocketPair() throws Exception {
        Path path = tmp.getRoot().toPath().resolve("pair.sock");
        FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME);
        RtpAllocate sent = RtpAllocate.relay("call-ü-1", "tcp", "udp").withSato("N1-m7").withExtra("call", "c@h")
                .withIdleTimeout(Duration.ofMillis(1500));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (SocketChannel out = SocketChannel.open(UnixDomainSocketAddress.of(path));
                 SocketChannel in = server.accept()) {
                ByteBuffer frame = codec.encode(sent.toMessage());
                while (frame.hasRemaining()) {
                    out.write(frame);
                }
                ByteBuffer event = codec.encode(new RtpLegFailed("call-ü-1", "a", "connect timed out").toMessage());
                while (event.hasRemaining()) {
                    out.write(event);
                }
                ControlMessage got = codec.read(in);
                assertEquals(ControlMessage.Kind.REQUEST, got.kind());
                assertEquals(sent.toMessage(), got);
                assertEquals(sent, RtpAllocate.from(got));
                ControlMessage gotEvent = codec.read(in);
                assertEquals(ControlMessage.Kind.EVENT, gotEvent.kind());
                assertEquals(new RtpLegFailed("call-ü-1", "a", "connect timed out"), RtpLegFailed.from(gotEvent));
            }
        }
    }

    /** A stand-in Overlay Manager answering user.lookup and sato.signalling.request with typed messages, as interface 3 does. */
    private static final class TypedOm implements ControlHandler {
        @Override
        public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
            switch (r.type()) {
                case MessageTypes.USER_LOOKUP: {
                    UserLookup q = UserLookup.from(r);
                    if (!q.user().equals("bob")) {
                        throw new ControlException(ErrorCode.NOT_FOUND, "no user " + q.user());
                    }
                    return new UserLookupAnswer(List.of("N2@10.0.0.2:8080", "N1@10.0.0.1:8080"), List.of("N1@10.0.0.1:8080")).answer(r);
                }
                case MessageTypes.SATO_SIGNALLING_REQUEST: {
                    SignallingSatoRequest q = SignallingSatoRequest.from(r);
                    String id = "sig-" + q.call();
                    new Thread(() -> {
                        try {
                            Thread.sleep(20);
                            from.sendEvent(new SatoReady(id, SatoReady.TCP, "10.0.0.2:5070").toMessage());
                        } catch (ControlException | InterruptedException e) {
                            // the test fails on the missing event
                        }
                    }).start();
                    return new SignallingSatoAnswer(id).answer(r);
                }
                default:
                    throw ControlHandler.unknownType(r);
            }
        }
    }

    @Test
    public void typedRequestsAnswersAndEventsBetweenServerAndClient() throws Exception {
        Path path = tmp.getRoot().toPath().resolve("state").resolve("p2psip-port.sock");
        BlockingQueue<ControlMessage> events = new LinkedBlockingQueue<>();
        ControlHandler port = new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
                throw ControlHandler.unknownType(r);
            }

            @Override
            public void onEvent(ControlConnection from, ControlMessage e) {
                events.add(e);
            }
        };
        // here the listener plays the OM and the client the port: the protocol is symmetric once connected
        try (ControlServer om = ControlServer.listen(path, "om", "test-om", new TypedOm());
             ControlClient sip = ControlClient.connect(path, "p2psip-port", "test-sip", port, T)) {
            UserLookupAnswer found = UserLookupAnswer.from(sip.call(new UserLookup("bob").toMessage()));
            assertEquals(List.of("N2@10.0.0.2:8080", "N1@10.0.0.1:8080"), found.peers());
            assertTrue(found.isSelf("N1@10.0.0.1:8080"));
            try {
                sip.call(new UserLookup("carol").toMessage());
                fail("carol is not registered");
            } catch (ControlException e) {
                assertEquals(ErrorCode.NOT_FOUND, e.code());
            }
            try {
                // a malformed request: the receiver's from() answers BAD_REQUEST naming the field
                sip.call(ControlMessage.request(MessageTypes.SATO_SIGNALLING_REQUEST).with(Fields.CALL, "c1"));
                fail("peer is missing");
            } catch (ControlException e) {
                assertEquals(ErrorCode.BAD_REQUEST, e.code());
                assertEquals("sato.signalling.request: missing field peer", e.getMessage());
            }
            SignallingSatoAnswer a = SignallingSatoAnswer.from(
                    sip.call(new SignallingSatoRequest("c1", found.peers().get(0)).toMessage()));
            assertEquals("sig-c1", a.sato());
            ControlMessage e = events.poll(10, TimeUnit.SECONDS);
            SatoReady ready = SatoReady.from(e);
            assertEquals(new SatoReady("sig-c1", "tcp", "10.0.0.2:5070"), ready);
        }
    }
}
