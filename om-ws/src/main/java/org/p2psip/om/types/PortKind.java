package org.p2psip.om.types;

/** The SATO-Ports of a P2PSIP node (paper Figure 2). */
public enum PortKind {
    P2PSIP_PORT("p2psip-port"), RTP_PORT("rtp-port");

    private final String wire;

    PortKind(String wire) {
        this.wire = wire;
    }

    /** The WSDL enumeration value, also the role the port announces on its control connection. */
    public String wire() {
        return wire;
    }

    public static PortKind fromWire(String s) {
        for (PortKind p : values()) {
            if (p.wire.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown port type '" + s + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
