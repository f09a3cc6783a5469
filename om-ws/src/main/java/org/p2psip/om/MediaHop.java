package org.p2psip.om;

import java.util.Objects;

/**
 * One RTP-Port session in a media chain RTP1 -> (RTP3) -> RTP2, caller side first.
 * {@code towardCaller} is where this hop receives from the previous hop, {@code towardCallee}
 * where it receives from the next one; {@code om} is the address of the hop's OM (may be null
 * for the hop of the node that handles the request).
 */
public record MediaHop(String nodeId, Address om, String sessionId, Address towardCaller, Address towardCallee) {
    public MediaHop {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
