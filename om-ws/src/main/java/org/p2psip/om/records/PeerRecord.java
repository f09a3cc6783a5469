package org.p2psip.om.records;

import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;

/**
 * What the lookup service stores about a peer: its node id and its Overlay Manager's OM IF
 * address, written {@code NODEID@HOST:PORT}, followed by optional {@code ;}-separated parameters:
 * <ul>
 *   <li>{@code free=N}: a relay record's spare RTP-Port sessions;</li>
 *   <li>{@code nat}: the peer is behind a NAT (its OM address is an allocation on a public peer's
 *       TCP relay; media to and from it must go through an RTP-Port relay, and it sends first);</li>
 *   <li>{@code tcp=HOST:PORT}: a TCP relay record's relay address (see {@code docs/tcp-relay.md}).</li>
 * </ul>
 * A user record ({@code user:<name>}), an RTP relay record ({@code relay:rtp-port}) and a TCP relay
 * record ({@code relay:tcp}) each hold one. Unknown parameters are ignored (newer peers may add some).
 */
public record PeerRecord(String nodeId, Address om, int free, boolean nat, Address tcpRelay) {

    public static final String USER_PREFIX = "user:";
    public static final String RELAY_KEY = "relay:rtp-port";
    public static final String TCP_RELAY_KEY = "relay:tcp";

    public PeerRecord(String nodeId, Address om, int free) {
        this(nodeId, om, free, false, null);
    }

    public static PeerRecord parse(String s) {
        String[] parts = s.split(";", -1);
        String body = parts[0];
        int free = -1;
        boolean nat = false;
        Address tcp = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.startsWith("free=")) {
                    free = Integer.parseInt(p.substring(5));
                } else if (p.equals("nat")) {
                    nat = true;
                } else if (p.startsWith("tcp=")) {
                    tcp = Address.parse(p.substring(4));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad peer record '" + s + "' (parameter '" + p + "')");
            }
        }
        int at = body.indexOf('@');
        if (at <= 0 || !NodeIds.isValid(body.substring(0, at))) {
            throw new IllegalArgumentException("bad peer record '" + s + "' (expected NODEID@HOST:PORT)");
        }
        return new PeerRecord(body.substring(0, at), Address.parse(body.substring(at + 1)), free, nat, tcp);
    }

    /** The user-record form, without capacity: {@code NODEID@HOST:PORT[;nat]}. */
    public String value() {
        return nodeId + "@" + om + (nat ? ";nat" : "");
    }

    /** The relay-record form, with spare capacity. */
    public String relayValue() {
        // a relay peer that also runs a TCP relay says where: signalling can then detour through it too (issue 13)
        return nodeId + "@" + om + ";free=" + free + (tcpRelay != null ? ";tcp=" + tcpRelay : "");
    }

    /** The TCP relay record form: {@code NODEID@HOST:PORT;tcp=HOST:PORT}. */
    public String tcpRelayValue() {
        return nodeId + "@" + om + ";tcp=" + tcpRelay;
    }

    public PeerRecord withFree(int n) {
        return new PeerRecord(nodeId, om, n, nat, tcpRelay);
    }

    public String shortId() {
        return NodeIds.shortId(nodeId);
    }
}
