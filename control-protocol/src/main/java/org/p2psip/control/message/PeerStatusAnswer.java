package org.p2psip.control.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code peer.status}: {@code name}, {@code node} (the node id), {@code om} (the OM
 * IF address), {@code nat} ({@code on}/{@code off}), {@code lookup} (the lookup node, or how it
 * reaches the ring), {@code satos} (SATOs in the table); behind a NAT {@code relayed.om} and
 * {@code relayed.sip} (the public addresses rented at a TCP relay, null if absent); on a peer
 * offering a TCP relay {@code tcp-relay} (its address, null if absent) and per allocation
 * {@code tcp-relay.<name>.address}, {@code .accepted}, {@code .active}, {@code .bytes_in},
 * {@code .bytes_out}, {@code .open}; on a ring member its lookup ring as it sees it ({@link Ring}:
 * {@code ring.size}, {@code ring.exact}, {@code ring.last_merge}, {@code ring.merges}; absent on a
 * client of the ring behind a NAT).
 */
public record PeerStatusAnswer(String name, String node, String om, boolean nat, String lookup, int satos,
                               String relayedOm, String relayedSip, String tcpRelay, List<TcpRelayAllocation> allocations,
                               Ring ring) {
    private static final String ON = "on";
    private static final String OFF = "off";
    private static final String ADDRESS_SUFFIX = Fields.LEG_SEPARATOR + Fields.ADDRESS;

    /** One allocation of the peer's TCP relay (docs/tcp-relay.md). */
    public record TcpRelayAllocation(String name, String address, long accepted, long active, long bytesIn, long bytesOut,
                                     boolean open) {
        public TcpRelayAllocation {
            Wire.nonEmpty(name, "allocation name");
            Wire.nonEmpty(address, "allocation address");
        }
    }

    /**
     * The lookup ring as the peer's node sees it: {@code size} nodes ({@code exact}: counted all the
     * way round, else estimated), the last merge with another ring after a partition
     * ({@code lastMergeMillis}, wall clock, 0 = never) and how many merges there were.
     */
    public record Ring(int size, boolean exact, long lastMergeMillis, long merges) {
        public Ring {
            if (size < 0 || lastMergeMillis < 0 || merges < 0) {
                throw new IllegalArgumentException("ring size, last merge and merges must not be negative: "
                        + size + ", " + lastMergeMillis + ", " + merges);
            }
        }
    }

    /** Without a ring (a client of the ring, or a peer that does not say). */
    public PeerStatusAnswer(String name, String node, String om, boolean nat, String lookup, int satos,
                            String relayedOm, String relayedSip, String tcpRelay, List<TcpRelayAllocation> allocations) {
        this(name, node, om, nat, lookup, satos, relayedOm, relayedSip, tcpRelay, allocations, null);
    }

    public PeerStatusAnswer {
        Wire.nonEmpty(name, "name");
        Wire.nonEmpty(node, "node");
        Wire.nonEmpty(om, "om");
        Wire.nonEmpty(lookup, "lookup");
        allocations = Wire.copy(allocations);
    }

    public ControlMessage answer(ControlMessage request) {
        ControlMessage a = ControlMessage.responseTo(request).with(Fields.NAME, name).with(Fields.NODE, node)
                .with(Fields.OM, om).with(Fields.NAT, nat ? ON : OFF).with(Fields.LOOKUP, lookup).with(Fields.SATOS, satos);
        a = Wire.withOptional(a, Fields.RELAYED_OM, relayedOm);
        a = Wire.withOptional(a, Fields.RELAYED_SIP, relayedSip);
        a = Wire.withOptional(a, Fields.TCP_RELAY, tcpRelay);
        for (TcpRelayAllocation t : allocations) {
            String p = Fields.TCP_RELAY_PREFIX + t.name() + Fields.LEG_SEPARATOR;
            a = a.with(p + Fields.ADDRESS, t.address()).with(p + Fields.ACCEPTED, t.accepted()).with(p + Fields.ACTIVE, t.active())
                    .with(p + Fields.BYTES_IN, t.bytesIn()).with(p + Fields.BYTES_OUT, t.bytesOut()).with(p + Fields.OPEN, t.open());
        }
        if (ring != null) {
            a = a.with(Fields.RING_SIZE, ring.size()).with(Fields.RING_EXACT, ring.exact())
                    .with(Fields.RING_LAST_MERGE, ring.lastMergeMillis()).with(Fields.RING_MERGES, ring.merges());
        }
        return a;
    }

    public static PeerStatusAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PEER_STATUS);
        String nat = Wire.require(m, Fields.NAT);
        if (!nat.equals(ON) && !nat.equals(OFF)) {
            throw Wire.invalid(m, Fields.NAT, nat, "must be on or off");
        }
        List<TcpRelayAllocation> allocations = new ArrayList<>();
        for (Map.Entry<String, String> f : m.fields()) {
            String k = f.getKey();
            if (k.startsWith(Fields.TCP_RELAY_PREFIX) && k.endsWith(ADDRESS_SUFFIX)
                    && k.length() > Fields.TCP_RELAY_PREFIX.length() + ADDRESS_SUFFIX.length()) {
                String allocation = k.substring(Fields.TCP_RELAY_PREFIX.length(), k.length() - ADDRESS_SUFFIX.length());
                String p = Fields.TCP_RELAY_PREFIX + allocation + Fields.LEG_SEPARATOR;
                allocations.add(new TcpRelayAllocation(allocation, f.getValue(), Wire.requireLong(m, p + Fields.ACCEPTED),
                        Wire.requireLong(m, p + Fields.ACTIVE), Wire.requireLong(m, p + Fields.BYTES_IN),
                        Wire.requireLong(m, p + Fields.BYTES_OUT), Wire.optionalBoolean(m, p + Fields.OPEN, false)));
            }
        }
        return new PeerStatusAnswer(Wire.require(m, Fields.NAME), Wire.require(m, Fields.NODE), Wire.require(m, Fields.OM),
                nat.equals(ON), Wire.require(m, Fields.LOOKUP), Wire.requireInt(m, Fields.SATOS), m.get(Fields.RELAYED_OM),
                m.get(Fields.RELAYED_SIP), m.get(Fields.TCP_RELAY), allocations, ring(m));
    }

    private static Ring ring(ControlMessage m) throws ControlException {
        if (m.get(Fields.RING_SIZE) == null) {
            return null;
        }
        try {
            return new Ring(Wire.requireInt(m, Fields.RING_SIZE), Wire.optionalBoolean(m, Fields.RING_EXACT, false),
                    Wire.requireLong(m, Fields.RING_LAST_MERGE), Wire.requireLong(m, Fields.RING_MERGES));
        } catch (IllegalArgumentException e) {
            throw Wire.invalid(m, Fields.RING_SIZE, m.get(Fields.RING_SIZE), e.getMessage());
        }
    }
}
