package org.p2psip.om.types;

import java.util.Objects;

/**
 * One RTP-Port session in a media chain RTP1 -> (RTP3) -> RTP2, caller side first.
 * {@code towardCaller} is where this hop receives from the previous hop, {@code towardCallee}
 * where it receives from the next one; {@code om} is the address of the hop's OM (may be null
 * for the hop of the node that handles the request). {@code behindNat}: the hop's node is behind a
 * NAT, so its neighbours latch onto whatever address its packets come from and it sends first.
 */
public record MediaHop(String nodeId, Address om, String sessionId, Address towardCaller, Address towardCallee,
                       boolean behindNat) {
    public MediaHop {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    public MediaHop(String nodeId, Address om, String sessionId, Address towardCaller, Address towardCallee) {
        this(nodeId, om, sessionId, towardCaller, towardCallee, false);
    }
}
