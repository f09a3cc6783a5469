package org.p2psip.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.LookupGet;
import org.p2psip.control.message.LookupGetAnswer;
import org.p2psip.control.message.PeerStatus;
import org.p2psip.control.message.PeerStatusAnswer;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.types.RingView;
import org.p2psip.tcprelay.AllocationStats;
import org.p2psip.tcprelay.TcpRelay;

/**
 * The peer's management socket, {@code <state-dir>/om.sock} (same framing as the control
 * protocol): answers {@code peer.status} for local tools ({@code ./p2psip status}, experiments)
 * with the peer's node, addresses, NAT state, TCP relay counters and lookup ring as it sees it, and
 * {@code lookup.get} with what this peer's lookup node finds under a key now (experiments check
 * that every user is found from every peer).
 */
final class ManagementSocket {
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private final Peer peer;

    private ManagementSocket(Peer peer) {
        this.peer = peer;
    }

    static ControlServer listen(Peer peer) throws IOException, ControlException {
        return ControlServer.listen(peer.config().stateDir().resolve(Peer.MANAGEMENT_SOCKET), "om", peer.config().name(),
                new ManagementSocket(peer)::onRequest);
    }

    private ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
        if (MessageTypes.LOOKUP_GET.equals(r.type())) {
            return lookup(LookupGet.from(r)).answer(r);
        }
        PeerStatus.from(r); // anything else is an unknown type
        PeerConfig config = peer.config();
        OverlayManager om = peer.overlayManager();
        String lookup = peer.bootstrapAddress();
        RelayedAddresses relayed = peer.relayedAddresses();
        TcpRelay t = peer.tcpRelay();
        List<PeerStatusAnswer.TcpRelayAllocation> allocations = new ArrayList<>();
        if (t != null) {
            for (AllocationStats st : t.stats()) {
                allocations.add(new PeerStatusAnswer.TcpRelayAllocation(st.name(), RelayedAddresses.hostPort(st.publicAddress()),
                        st.connectionsAccepted(), st.connectionsActive(), st.bytesClientToPeer(), st.bytesPeerToClient(), st.open()));
            }
        }
        return new PeerStatusAnswer(config.name(), om.nodeId(), om.address().toString(), config.nat(),
                lookup != null ? lookup : config.bootstrap() + " (as a client, not a ring member)", om.satos().size(),
                relayed == null ? null : RelayedAddresses.hostPort(relayed.om()),
                relayed == null ? null : RelayedAddresses.hostPort(relayed.sip()),
                t == null ? null : RelayedAddresses.hostPort(t.address()), allocations, ring(om)).answer(r);
    }

    private static PeerStatusAnswer.Ring ring(OverlayManager om) {
        RingView v = om.status().ring();
        return v == null ? null : new PeerStatusAnswer.Ring(Math.max(0, v.size()), v.exact(), Math.max(0, v.lastMergeMillis()),
                Math.max(0, v.merges()));
    }

    /** {@code lookup.get} for local tools: every live value under the key, as this peer's lookup node finds it now. */
    private LookupGetAnswer lookup(LookupGet get) throws ControlException {
        LookupService lookup = peer.overlayManager().lookup();
        if (lookup == null) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "this peer has no lookup service");
        }
        try {
            return new LookupGetAnswer(lookup.get(get.key()).get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted looking up " + get.key());
        } catch (ExecutionException | TimeoutException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup of " + get.key() + " failed: "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within " + LOOKUP_TIMEOUT.toSeconds() + " s"));
        }
    }
}
