package org.p2psip.om.types;

import java.util.EnumSet;
import java.util.Set;

/** A transport a SATO can run over, with the service requirements it meets. */
public enum TransportKind {
    TCP("tcp", EnumSet.of(Requirement.RELIABLE)),
    TLS("tls", EnumSet.of(Requirement.RELIABLE, Requirement.SECURE)),
    UDP("udp", EnumSet.of(Requirement.LOW_DELAY, Requirement.LOW_JITTER)),
    /** RTP and RTCP framed on TCP (RFC 4571): reliable, gets through where UDP does not. */
    TCP_RFC4571("tcp-rfc4571", EnumSet.of(Requirement.RELIABLE));

    private final String wire;
    private final Set<Requirement> meets;

    TransportKind(String wire, Set<Requirement> meets) {
        this.wire = wire;
        this.meets = meets;
    }

    /** The name on the wire (WSDL enumeration value, control-protocol field value). */
    public String wire() {
        return wire;
    }

    public boolean meets(Requirement r) {
        return meets.contains(r);
    }

    public boolean meetsAll(Iterable<Requirement> rs) {
        for (Requirement r : rs) {
            if (!meets(r)) {
                return false;
            }
        }
        return true;
    }

    public static TransportKind fromWire(String s) {
        for (TransportKind t : values()) {
            if (t.wire.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + s + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
