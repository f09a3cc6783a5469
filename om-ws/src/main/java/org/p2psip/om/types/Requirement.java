package org.p2psip.om.types;

/** A service requirement of a SATO (paper Sec. 4: signalling asks for reliable, media for low delay and jitter). */
public enum Requirement {
    RELIABLE("reliable"), SECURE("secure"), LOW_DELAY("low-delay"), LOW_JITTER("low-jitter");

    private final String wire;

    Requirement(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Requirement fromWire(String s) {
        for (Requirement r : values()) {
            if (r.wire.equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown requirement '" + s + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
