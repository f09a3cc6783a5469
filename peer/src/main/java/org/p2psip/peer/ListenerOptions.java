package org.p2psip.peer;

import java.time.Duration;
import java.util.List;
import org.p2psip.common.BoundsSpec;
import org.p2psip.common.ListenerBounds;
import org.p2psip.control.ControlBounds;
import org.p2psip.common.Options.Option;
import org.p2psip.lookup.wire.TcpTransport;
import org.p2psip.om.ws.HttpBounds;
import org.p2psip.sip.transport.SipListenerBounds;
import org.p2psip.tcprelay.TcpRelay;

/**
 * The bounds of a peer's network listeners as options of {@code ./p2psip peer} ({@code --lookup-bounds},
 * {@code --om-if-bounds}, {@code --sip-tcp-bounds}, {@code --tcp-relay-bounds}), each a
 * {@link BoundsSpec} value such as {@code per-source=64,idle-s=120}: the keys given change those
 * fields, the others keep the listener's defaults. Each listener applies the keys listed in its help.
 * {@code --control-bounds} bounds the control sockets (Unix sockets in the state directory, reachable
 * only from this host) of the peer and of its SATO-Port processes: {@link ControlBounds}.
 */
final class ListenerOptions {
    static final String LOOKUP = "lookup-bounds";
    static final String OM_IF = "om-if-bounds";
    static final String SIP_TCP = "sip-tcp-bounds";
    static final String TCP_RELAY = "tcp-relay-bounds";
    static final String CONTROL = "control-bounds";
    /** Requests that may wait for a control worker, per worker. */
    static final int CONTROL_QUEUED_PER_WORKER = 16;

    /** The lookup node's listener: every key. */
    static final BoundsSpec LOOKUP_SPEC = new BoundsSpec(TcpTransport.defaultBounds(Duration.ofSeconds(10)),
            BoundsSpec.ALL.toArray(new String[0]));
    /** The OM IF (Jetty): connections, per source (beyond: 503 with Retry-After), idle. */
    static final BoundsSpec OM_IF_SPEC = new BoundsSpec(HttpBounds.DEFAULT, BoundsSpec.CONNECTIONS, BoundsSpec.PER_SOURCE,
            BoundsSpec.IDLE_S);
    /** Each SIP TCP listening point of the P2PSIP-Port (UA side and overlay side). */
    static final BoundsSpec SIP_TCP_SPEC = new BoundsSpec(ListenerBounds.defaults(65536)
            .withMaxConnections(SipListenerBounds.DEFAULT_MAX_CONNECTIONS, SipListenerBounds.DEFAULT_MAX_CONNECTIONS_PER_SOURCE)
            .withReadDeadline(Duration.ofMillis(SipListenerBounds.DEFAULT_MESSAGE_DEADLINE_MS))
            .withWriteTimeout(Duration.ofMillis(SipListenerBounds.DEFAULT_WRITE_TIMEOUT_MS))
            .withIdleTimeout(Duration.ofMillis(SipListenerBounds.DEFAULT_IDLE_TIMEOUT_MS)),
            BoundsSpec.CONNECTIONS, BoundsSpec.PER_SOURCE, BoundsSpec.READ_MS, BoundsSpec.WRITE_MS, BoundsSpec.IDLE_S);
    /** The TCP relay for peers behind NATs: connections, first line / BIND deadline, idle control connections. */
    static final BoundsSpec TCP_RELAY_SPEC = new BoundsSpec(ListenerBounds.defaults(8192)
            .withMaxConnections(TcpRelay.Limits.DEFAULT.maxConnections(), TcpRelay.Limits.DEFAULT.maxConnections())
            .withReadDeadline(TcpRelay.Limits.DEFAULT.bindTimeout())
            .withIdleTimeout(TcpRelay.Limits.DEFAULT.idleTimeout()),
            BoundsSpec.CONNECTIONS, BoundsSpec.READ_MS, BoundsSpec.IDLE_S);

    /** The control sockets: connections (beyond: closed at once), requests handled at once (in-flight). */
    static final BoundsSpec CONTROL_SPEC = new BoundsSpec(ListenerBounds.defaults(65536)
            .withMaxConnections(ControlBounds.DEFAULT.connections(), ControlBounds.DEFAULT.connections())
            .withMaxInFlightPerConnection(ControlBounds.DEFAULT.workers()),
            BoundsSpec.CONNECTIONS, BoundsSpec.IN_FLIGHT);

    static final List<Option> OPTIONS = List.of(
            Option.value(LOOKUP, LOOKUP_SPEC.defaultValue(), "lookup node listener: connections in total and per source"
                    + " address (beyond: closed at once), requests in flight per connection (beyond: an OVERLOADED error"
                    + " frame), whole-frame read deadline, write timeout, idle timeout, largest frame (checked before"
                    + " allocating); give only the keys to change"),
            Option.value(OM_IF, OM_IF_SPEC.defaultValue(), "OM IF listener: connections in total (beyond: they wait in the"
                    + " kernel's backlog) and per source address (beyond: HTTP 503 with Retry-After), idle timeout"),
            Option.value(SIP_TCP, SIP_TCP_SPEC.defaultValue(), "each SIP TCP listener of the P2PSIP-Port: connections in"
                    + " total and per source address (beyond: closed at once), whole-message read deadline (slowloris),"
                    + " write timeout (a client that does not read), idle timeout"),
            Option.value(TCP_RELAY, TCP_RELAY_SPEC.defaultValue(), "TCP relay listener: connections in total (beyond:"
                    + " closed at once), deadline for a new connection's first line or BIND, idle timeout of control"
                    + " connections"),
            Option.value(CONTROL, CONTROL_SPEC.defaultValue(), "control sockets of the peer and its SATO-Port processes"
                    + " (Unix sockets in the state directory): connections per socket (beyond: closed at once), requests"
                    + " handled at once; " + CONTROL_QUEUED_PER_WORKER + " per worker may wait (beyond: RESOURCE_EXHAUSTED)"));

    private ListenerOptions() {
    }

    /** Checks every bounds option (IllegalArgumentException naming the option). */
    static void validate(PeerConfig c) {
        lookup(c);
        omIf(c);
        sipTcp(c);
        tcpRelay(c);
        control(c);
    }

    /** The control sockets' bounds with the value given. */
    static ControlBounds control(PeerConfig c) {
        ListenerBounds b = CONTROL_SPEC.parse(CONTROL, c.get(CONTROL));
        return new ControlBounds(b.maxConnections(), b.maxInFlightPerConnection(),
                CONTROL_QUEUED_PER_WORKER * b.maxInFlightPerConnection());
    }

    static ListenerBounds lookup(PeerConfig c) {
        return LOOKUP_SPEC.parse(LOOKUP, c.get(LOOKUP));
    }

    static ListenerBounds omIf(PeerConfig c) {
        return OM_IF_SPEC.parse(OM_IF, c.get(OM_IF));
    }

    static ListenerBounds sipTcp(PeerConfig c) {
        return SIP_TCP_SPEC.parse(SIP_TCP, c.get(SIP_TCP));
    }

    /** The TCP relay's limits with the bounds given. */
    static TcpRelay.Limits tcpRelay(PeerConfig c) {
        ListenerBounds b = TCP_RELAY_SPEC.parse(TCP_RELAY, c.get(TCP_RELAY));
        return TcpRelay.Limits.DEFAULT.withMaxConnections(b.maxConnections()).withBindTimeout(b.readDeadline())
                .withIdleTimeout(b.idleTimeout());
    }
}
