package org.p2psip.om.ports;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.PortKind;

/**
 * A session running on one of the node's SATO-Ports on behalf of a SATO, e.g. an RTP relay
 * session. {@code legs} maps a leg name ({@link #LEG_CALLER}, {@link #LEG_CALLEE}, {@link #LEG_UA})
 * to the local address where that leg receives.
 */
public record PortSession(String sessionId, PortKind kind, String satoId, String ownerNodeId,
                          Map<String, Address> legs, Map<String, String> details) {
    /** The leg facing the caller's side of a media chain (the previous hop). */
    public static final String LEG_CALLER = "caller";
    /** The leg facing the callee's side of a media chain (the next hop). */
    public static final String LEG_CALLEE = "callee";
    /** The leg facing the local user agent (edge RTP-Ports only). */
    public static final String LEG_UA = "ua";

    public PortSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(kind, "kind");
        legs = Map.copyOf(legs);
        details = Map.copyOf(details);
    }

    public Address leg(String name) {
        return legs.get(name);
    }

    public List<Address> endpoints() {
        return List.copyOf(legs.values());
    }
}
