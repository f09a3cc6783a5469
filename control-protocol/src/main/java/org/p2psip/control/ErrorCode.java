package org.p2psip.control;

/**
 * Typed errors of the control protocol. The wire carries the name; unknown names decode as {@link #INTERNAL}.
 */
public enum ErrorCode {
    /** The request is malformed: a mandatory field is missing or has a bad value. */
    BAD_REQUEST,
    /** The receiver does not know this message type. */
    UNKNOWN_TYPE,
    /** The named object (user, SATO, session) does not exist. */
    NOT_FOUND,
    /** The request asks for something this side cannot do (for example a transport it does not offer). */
    UNSUPPORTED,
    /** Ports, sessions or another resource are used up. */
    RESOURCE_EXHAUSTED,
    /** A component needed to answer (lookup service, remote peer) cannot be reached. */
    UNAVAILABLE,
    /**
     * The far peer of a call answers neither over the direct path nor through any relay (it is gone,
     * or partitioned away): the P2PSIP-Port answers 480 Temporarily Unavailable.
     */
    PEER_UNREACHABLE,
    /** The answer did not arrive in time. */
    TIMEOUT,
    /** The peer speaks another protocol version. */
    VERSION_MISMATCH,
    /** The connection closed before the answer arrived. */
    DISCONNECTED,
    /** Anything else: a bug on the answering side. */
    INTERNAL;

    static ErrorCode parse(String name) {
        if (name != null) {
            for (ErrorCode c : values()) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
        }
        return INTERNAL;
    }
}
