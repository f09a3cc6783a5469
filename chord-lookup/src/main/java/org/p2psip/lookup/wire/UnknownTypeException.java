package org.p2psip.lookup.wire;

/** A well-formed request of a message type this node does not know: answered with an error, connection kept. */
public class UnknownTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownTypeException(int type) {
        super("unknown message type " + type);
    }
}
