package org.p2psip.interop.baresip;

/**
 * A baresip process did not do what the harness asked in time (did not start, register, connect a
 * call, ...). The message contains the reason, the log file and the tail of baresip's output.
 */
public class BaresipException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BaresipException(String message) {
        super(message);
    }

    public BaresipException(String message, Throwable cause) {
        super(message, cause);
    }
}
