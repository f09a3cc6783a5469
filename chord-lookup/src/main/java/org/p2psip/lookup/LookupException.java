package org.p2psip.lookup;

/**
 * Why a lookup service call failed. Unchecked, so it travels through {@code CompletableFuture}s
 * unchanged (as the cause of a {@code CompletionException} when joined).
 */
public class LookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kind of failure. */
    public enum Reason {
        /** The key is empty or longer than {@link Limits#MAX_KEY_BYTES} UTF-8 bytes. */
        BAD_KEY,
        /** The value is longer than {@link Limits#MAX_VALUE_BYTES} UTF-8 bytes (or null). */
        VALUE_TOO_LARGE,
        /** The TTL is not within 1 .. {@link Limits#MAX_TTL_SECONDS} seconds. */
        BAD_TTL,
        /** Some other bad argument (e.g. a malformed address). */
        BAD_ARGUMENT,
        /** No node could be reached (connection refused, every candidate failed). */
        UNREACHABLE,
        /** A node accepted the request but did not answer within the RPC timeout. */
        TIMEOUT,
        /** The node is not (or no longer) part of a ring. */
        NOT_JOINED,
        /** The service was closed. */
        CLOSED,
        /** The other side broke the wire protocol or speaks another version. */
        PROTOCOL,
        /** An unexpected error on the remote node. */
        INTERNAL,
        /**
         * Refused by a secured node's rules: a node speaking for an id its certificate does not carry,
         * a record not signed by whom may write it, a storage time from the future.
         */
        FORBIDDEN
    }

    private final Reason reason;

    public LookupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public LookupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The cause of a failed future if it is a LookupException (unwrapping CompletionException/ExecutionException). */
    public static LookupException unwrap(Throwable t) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof LookupException) {
                return (LookupException) c;
            }
            c = c.getCause();
        }
        return null;
    }
}
