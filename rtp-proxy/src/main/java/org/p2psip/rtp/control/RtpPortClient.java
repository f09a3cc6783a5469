package org.p2psip.rtp.control;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.PortShutdown;
import org.p2psip.control.message.PortStatus;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpRelease;
import org.p2psip.control.message.RtpStats;

/**
 * The Overlay Manager's side of interface 1 (or a test's): typed calls for the RTP-Port's control
 * messages over a {@link ControlClient}, built from the typed messages of
 * {@code org.p2psip.control.message}. Events (rtp.leg.failed, rtp.session.released) go to the
 * handler given to {@link #connect}.
 */
public final class RtpPortClient implements Closeable {
    private final ControlClient client;

    private RtpPortClient(ControlClient client) {
        this.client = client;
    }

    /** Connects to the RTP-Port listening on {@code socket}, waiting up to {@code timeout} for it to come up. */
    public static RtpPortClient connect(Path socket, String role, String name, ControlHandler events, Duration timeout)
            throws ControlException {
        return new RtpPortClient(ControlClient.connect(socket, role, name, events, timeout));
    }

    /** A handler for callers that do not care about events. */
    public static ControlHandler ignoreEvents() {
        return new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection conn, ControlMessage request) throws ControlException {
                throw new ControlException(org.p2psip.control.ErrorCode.UNKNOWN_TYPE, "no requests expected");
            }
        };
    }

    public ControlClient client() {
        return client;
    }

    /** rtp.allocate of an endpoint session (legs ua and overlay); read the answer with {@code RtpAllocateAnswer.from}. */
    public ControlMessage allocateEndpoint(String session, String transport) throws ControlException {
        return call(RtpAllocate.endpoint(session, transport).toMessage());
    }

    /** rtp.allocate of a relay session (legs a and b); read the answer with {@code RtpAllocateAnswer.from}. */
    public ControlMessage allocateRelay(String session, String transportA, String transportB) throws ControlException {
        return call(RtpAllocate.relay(session, transportA, transportB).toMessage());
    }

    /** rtp.connect: {@code mode} active|passive, {@code remote} HOST:PORT, HOST or any. */
    public ControlMessage connectLeg(String session, String leg, String mode, String remote) throws ControlException {
        return call(RtpConnect.of(session, leg, mode, remote).toMessage());
    }

    /** rtp.stats of one session, as a map of its fields (leg fields as {@code leg.counter}). */
    public Map<String, String> stats(String session) throws ControlException {
        ControlMessage r = call(RtpStats.of(session).toMessage());
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : r.fields()) {
            out.putIfAbsent(f.getKey(), f.getValue());
        }
        return out;
    }

    public ControlMessage release(String session) throws ControlException {
        return call(new RtpRelease(session).toMessage());
    }

    public ControlMessage status() throws ControlException {
        return call(new PortStatus().toMessage());
    }

    public ControlMessage shutdown() throws ControlException {
        return call(new PortShutdown().toMessage());
    }

    /** Any request, for fields the typed calls do not cover. */
    public ControlMessage call(ControlMessage request) throws ControlException {
        return client.call(request);
    }

    @Override
    public void close() {
        client.close();
    }
}
