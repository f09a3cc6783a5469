package org.p2psip.om.table;

/** Life cycle of a SATO in the SATO table. */
public enum SatoState {
    /** The callee answered NegotiateTransport; SetupSato has not arrived yet. */
    NEGOTIATED("negotiated"),
    ESTABLISHED("established"),
    CLOSING("closing"),
    CLOSED("closed"),
    FAILED("failed");

    private final String wire;

    SatoState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
