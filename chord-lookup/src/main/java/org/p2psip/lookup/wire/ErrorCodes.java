package org.p2psip.lookup.wire;

import org.p2psip.lookup.LookupException.Reason;

/** Status codes of response payloads, and their mapping to {@link Reason}. */
public final class ErrorCodes {
    private ErrorCodes() {
    }

    public static final int OK = 0;
    public static final int BAD_KEY = 1;
    public static final int VALUE_TOO_LARGE = 2;
    public static final int BAD_TTL = 3;
    public static final int BAD_ARGUMENT = 4;
    public static final int UNREACHABLE = 5;
    public static final int TIMEOUT = 6;
    public static final int NOT_JOINED = 7;
    public static final int CLOSED = 8;
    public static final int PROTOCOL = 9;
    public static final int INTERNAL = 10;
    public static final int UNKNOWN_TYPE = 11;
    public static final int VERSION_MISMATCH = 12;
    public static final int FORBIDDEN = 13;
    /** The node sheds load: too many connections, requests in flight or busy workers (seen as INTERNAL). */
    public static final int OVERLOADED = 14;

    public static int of(Reason r) {
        switch (r) {
            case BAD_KEY: return BAD_KEY;
            case VALUE_TOO_LARGE: return VALUE_TOO_LARGE;
            case BAD_TTL: return BAD_TTL;
            case BAD_ARGUMENT: return BAD_ARGUMENT;
            case UNREACHABLE: return UNREACHABLE;
            case TIMEOUT: return TIMEOUT;
            case NOT_JOINED: return NOT_JOINED;
            case CLOSED: return CLOSED;
            case PROTOCOL: return PROTOCOL;
            case FORBIDDEN: return FORBIDDEN;
            default: return INTERNAL;
        }
    }

    public static Reason reason(int code) {
        switch (code) {
            case BAD_KEY: return Reason.BAD_KEY;
            case VALUE_TOO_LARGE: return Reason.VALUE_TOO_LARGE;
            case BAD_TTL: return Reason.BAD_TTL;
            case BAD_ARGUMENT: return Reason.BAD_ARGUMENT;
            case UNREACHABLE: return Reason.UNREACHABLE;
            case TIMEOUT: return Reason.TIMEOUT;
            case NOT_JOINED: return Reason.NOT_JOINED;
            case CLOSED: return Reason.CLOSED;
            case FORBIDDEN: return Reason.FORBIDDEN;
            case PROTOCOL:
            case UNKNOWN_TYPE:
            case VERSION_MISMATCH:
                return Reason.PROTOCOL;
            default: return Reason.INTERNAL;
        }
    }
}
