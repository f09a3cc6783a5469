package org.p2psip.lookup.wire;

/** A frame or payload that breaks the wire protocol; the connection it came on is closed. */
public class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean versionMismatch;

    public MalformedFrameException(String message) {
        this(message, false);
    }

    public MalformedFrameException(String message, boolean versionMismatch) {
        super(message);
        this.versionMismatch = versionMismatch;
    }

    /** The frame was well formed but of a protocol version this node does not speak. */
    public boolean versionMismatch() {
        return versionMismatch;
    }
}
