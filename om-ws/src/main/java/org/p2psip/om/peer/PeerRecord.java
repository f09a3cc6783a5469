package org.p2psip.om.peer;

import org.p2psip.om.Address;
import org.p2psip.om.NodeIds;

/**
 * What the lookup service stores about a peer: its node id and its Overlay Manager's OM IF
 * address, written {@code NODEID@HOST:PORT}. A user record ({@code user:<name>}) and a relay
 * record ({@code relay:rtp-port}) both hold one; a relay record adds {@code ;free=N}, the spare
 * sessions of its RTP-Port.
 */
public record PeerRecord(String nodeId, Address om, int free) {

    public static final String USER_PREFIX = "user:";
    public static final String RELAY_KEY = "relay:rtp-port";

    public static PeerRecord parse(String s) {
        String body = s;
        int free = -1;
        int semi = s.indexOf(';');
        if (semi >= 0) {
            body = s.substring(0, semi);
            String rest = s.substring(semi + 1);
            if (rest.startsWith("free=")) {
                try {
                    free = Integer.parseInt(rest.substring(5));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad peer record '" + s + "'");
                }
            }
        }
        int at = body.indexOf('@');
        if (at <= 0 || !NodeIds.isValid(body.substring(0, at))) {
            throw new IllegalArgumentException("bad peer record '" + s + "' (expected NODEID@HOST:PORT)");
        }
        return new PeerRecord(body.substring(0, at), Address.parse(body.substring(at + 1)), free);
    }

    /** The user-record form, without capacity. */
    public String value() {
        return nodeId + "@" + om;
    }

    /** The relay-record form, with spare capacity. */
    public String relayValue() {
        return value() + ";free=" + free;
    }

    public String shortId() {
        return NodeIds.shortId(nodeId);
    }
}
