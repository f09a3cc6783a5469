package org.p2psip.phone;

/** A phone operation failed; the message says what happened in words fit for the user ("call to bob failed: 404 Not Found"). */
public class PhoneException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    public PhoneException(String message) {
        this(message, 0, null);
    }

    public PhoneException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public PhoneException(String message, int statusCode, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** The SIP status code that caused the failure, or 0 if it was not a SIP response (timeout, I/O). */
    public int statusCode() {
        return statusCode;
    }
}
