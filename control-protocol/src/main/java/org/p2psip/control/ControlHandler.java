package org.p2psip.control;

/**
 * What one side of a control connection does with what the other side sends. Requests are
 * handled on a worker pool, so a handler may block (for example on a lookup in the DHT), unless
 * the handler says a request is answered at once ({@link #answersAtOnce}); events of one
 * connection are delivered one at a time, in the order they were sent.
 */
public interface ControlHandler {

    /**
     * Answers {@code request}. Return {@link ControlMessage#responseTo(ControlMessage)} with fields;
     * throw {@link ControlException} to answer with a typed error.
     */
    ControlMessage onRequest(ControlConnection from, ControlMessage request) throws ControlException;

    /**
     * Whether {@code request} is answered on the connection's reader thread, as soon as it is read,
     * instead of on a worker: two thread hand-offs fewer per request. Only for requests whose
     * handling takes microseconds and waits for nothing but a bounded hand-off inside this process
     * (never for I/O to another host, a lookup, or a request of its own on this connection): while it
     * runs, the connection reads nothing else, answers included. The default: none.
     */
    default boolean answersAtOnce(ControlMessage request) {
        return false;
    }

    /** An asynchronous event from the other side. */
    default void onEvent(ControlConnection from, ControlMessage event) {
    }

    /** The connection is up and the hello exchange is done. */
    default void onConnected(ControlConnection connection) {
    }

    /** The connection closed, for whatever reason. Pending requests have already failed. */
    default void onClosed(ControlConnection connection) {
    }

    /** The standard answer to a type this side does not handle. */
    static ControlException unknownType(ControlMessage request) {
        return new ControlException(ErrorCode.UNKNOWN_TYPE, "unknown request type '" + request.type() + "'");
    }

    /** A handler that answers every request with {@link ErrorCode#UNKNOWN_TYPE} and ignores events. */
    ControlHandler NONE = (from, request) -> {
        throw unknownType(request);
    };
}
