package org.p2psip.sip.transport;

/**
 * The bounds of the P2PSIP-Port's SIP TCP listeners (UA side and overlay side), as JAIN-SIP stack
 * properties of this project: connections in total and per source address (beyond either, a new
 * connection is closed at once, before the stack gives it a thread: the RI runs two threads per
 * connection, a reader and a parser), the whole-message deadline of {@link MessageDeadlineSocket}, its
 * write timeout ({@link WriteWatchdog}) and its idle timeout.
 */
public final class SipListenerBounds {
    public static final String MAX_CONNECTIONS = "org.p2psip.sip.MAX_TCP_CONNECTIONS";
    public static final String MAX_CONNECTIONS_PER_SOURCE = "org.p2psip.sip.MAX_TCP_CONNECTIONS_PER_SOURCE";
    public static final String MESSAGE_DEADLINE_MS = "org.p2psip.sip.TCP_MESSAGE_DEADLINE_MS";
    public static final String WRITE_TIMEOUT_MS = "org.p2psip.sip.TCP_WRITE_TIMEOUT_MS";
    public static final String IDLE_TIMEOUT_MS = "org.p2psip.sip.TCP_IDLE_TIMEOUT_MS";
    /** Default cap on open TCP connections per listening point. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default cap on open TCP connections per source address per listening point. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 32;
    /** Default whole-message deadline (ms). */
    public static final long DEFAULT_MESSAGE_DEADLINE_MS = 10_000;
    /** Default write timeout (ms): an answer not written within it closes the connection. */
    public static final long DEFAULT_WRITE_TIMEOUT_MS = 10_000;
    /** Default idle timeout (ms): a connection with no traffic either way for this long is closed. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 300_000;

    private SipListenerBounds() {
    }
}
