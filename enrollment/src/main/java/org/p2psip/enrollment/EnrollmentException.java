package org.p2psip.enrollment;

/**
 * Key material that is missing, unreadable or not the overlay's: the message names the file or the
 * certificate and what is wrong with it, and where it helps the command that fixes it.
 */
public final class EnrollmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnrollmentException(String message) {
        super(message);
    }

    public EnrollmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
