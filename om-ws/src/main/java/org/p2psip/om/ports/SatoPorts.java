package org.p2psip.om.ports;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;

/**
 * The SATO-Ports of this node as the Overlay Manager drives them (paper Figure 1, interface 1).
 * The implementation for a running peer is {@link ControlSatoPorts} (control protocol over
 * Unix-domain sockets). Failures are {@link OmException}s typed like the OM IF faults, so the
 * SOAP side can pass them on unchanged.
 */
public interface SatoPorts extends AutoCloseable {

    /** The transports this node can offer for a SATO of {@code purpose}, best first. */
    Set<TransportKind> transports(Purpose purpose);

    /** The P2PSIP-Port's overlay-facing listener for {@code transport} (the signalling SATO's callee endpoint). */
    Address signallingEndpoint(TransportKind transport) throws OmException;

    /**
     * Starts a session on a port: for the RTP-Port an edge or relay session ({@code rtp.allocate});
     * {@code params} are port specific ({@code transport}, {@code call}, {@code role}, ...).
     */
    PortSession start(PortKind kind, String satoId, String ownerNodeId, Map<String, String> params) throws OmException;

    /** Stops a session started with {@link #start}; unknown sessions are {@link OmException.Kind#UNKNOWN_SESSION}. */
    void stop(PortSession session) throws OmException;

    /**
     * Points leg {@code leg} of an RTP-Port session at {@code remote} ({@code rtp.connect}). Along the
     * chain the leg towards the callee is active (sends first) and the one towards the caller passive
     * (latches onto the source of the packets that come from {@code remote}'s host).
     */
    void connect(PortSession session, String leg, Address remote, TransportKind transport) throws OmException;

    /** Who starts a leg when a NAT is on the path (see {@link #connect(PortSession, String, Address, TransportKind, LegStart)}). */
    enum LegStart {
        /** As along the chain: the leg towards the callee active, the one towards the caller passive. */
        CHAIN,
        /** This side sends first (and keeps sending keepalives): this node is behind a NAT. */
        ACTIVE,
        /** This side waits and latches onto the first source, whatever its address: the far node is behind a NAT. */
        LATCH_ANY
    }

    /** {@link #connect(PortSession, String, Address, TransportKind)} with an explicit choice of who starts. */
    default void connect(PortSession session, String leg, Address remote, TransportKind transport, LegStart start)
            throws OmException {
        if (start != LegStart.CHAIN) {
            throw OmException.invalid("behindNat", "these SATO-Ports cannot traverse NATs");
        }
        connect(session, leg, remote, transport);
    }

    /** One leg of an RTP-Port session and where it goes ({@link #connect(PortSession, List)}). */
    record LegTarget(String leg, Address remote, LegStart start) {
    }

    /**
     * Points several legs of one RTP-Port session, each as {@link #connect(PortSession, String, Address,
     * TransportKind, LegStart)} would (UDP), with the requests sent together rather than one after the
     * other's answer; returns when every leg is connected, or throws the first failure in {@code legs}' order.
     */
    default void connect(PortSession session, List<LegTarget> legs) throws OmException {
        for (LegTarget t : legs) {
            connect(session, t.leg(), t.remote(), TransportKind.UDP, t.start());
        }
    }

    /**
     * Re-points leg {@code leg} of a running RTP-Port session at {@code remote} ({@code rtp.update}),
     * the other legs untouched (a media SATO adapted mid-call: the phone's leg keeps its sockets).
     */
    default void repoint(PortSession session, String leg, Address remote, LegStart start) throws OmException {
        throw OmException.invalid("sessionId", "these SATO-Ports cannot re-point a running session");
    }

    /**
     * What the RTP-Port endpoint sessions among {@code sessionIds} have received so far, by session
     * id; sessions the port no longer has are absent. Empty if the port cannot say.
     */
    default java.util.Map<String, MediaCounters> mediaCounters(java.util.Collection<String> sessionIds) {
        return java.util.Map.of();
    }

    /** The ports and what they report (never blocks for long; a port that does not answer is "not running"). */
    List<PortStatus> status();

    @Override
    void close();
}
