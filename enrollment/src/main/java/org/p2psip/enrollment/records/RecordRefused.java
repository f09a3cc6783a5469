package org.p2psip.enrollment.records;

/** A signed value that a storing node or a reader does not accept; the message says why. */
public final class RecordRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordRefused(String message) {
        super(message);
    }
}
