package org.p2psip.om.types;

/** What a SATO carries: the SIP signalling of one call, or one media stream of it. */
public enum Purpose {
    SIGNALLING("signalling"), MEDIA("media");

    private final String wire;

    Purpose(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Purpose fromWire(String s) {
        for (Purpose p : values()) {
            if (p.wire.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown purpose '" + s + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
