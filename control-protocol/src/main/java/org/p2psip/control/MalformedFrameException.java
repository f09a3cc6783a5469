package org.p2psip.control;

import java.io.IOException;

/** A frame that breaks the wire format: the connection it came on is closed. */
public class MalformedFrameException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
