package org.p2psip.control;

/**
 * A typed failure of a control request: raised by a handler to answer with an error frame, and
 * delivered to the requester when the answer is an error frame.
 */
public class ControlException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public ControlException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ControlException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
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
