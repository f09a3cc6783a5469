package org.p2psip.sip.sdp;

/** An SDP body that cannot be relayed (no {@code c=} for a stream, a bad {@code m=} line, ...). */
public class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdpException(String message) {
        super(message, null, false, false);
    }
}
