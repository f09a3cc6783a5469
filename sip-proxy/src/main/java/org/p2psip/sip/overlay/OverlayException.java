package org.p2psip.sip.overlay;

import org.p2psip.control.ErrorCode;

/**
 * The Overlay Manager could not do what the P2PSIP-Port asked: it is not connected, the lookup
 * service failed, a SATO could not be set up. Carries the control protocol's error code.
 */
public class OverlayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public OverlayException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
