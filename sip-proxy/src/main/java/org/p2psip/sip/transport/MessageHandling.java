package org.p2psip.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a P2PSIP-Port's SIP connection (TCP, accepted or opened) does when handling one of its messages
 * fails. The RI's parser thread ends the connection on any exception out of a message's handling,
 * silently: on the overlay side one connection carries every call between two peers, and the answers
 * still owed on it (a callee's 200 OK) could no longer be sent. Here an unexpected failure (a
 * {@link RuntimeException}) is logged naming the message and the connection, and the connection goes
 * on with the next message; the RI's own refusals (a checked exception after it answered 513 or 505 or
 * 400, a message it will not handle) still end the connection as the RI means them to, logged.
 */
final class MessageHandling {
    private static final Logger log = LoggerFactory.getLogger(MessageHandling.class);
    /** At most one line per this many ns for failures (a sender that provokes them must not flood the log). */
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final AtomicLong FAILURES = new AtomicLong();
    private static final AtomicLong LAST_LOGGED = new AtomicLong();

    /** One message's handling by the RI (and the P2PSIP-Port's listener behind it). */
    @FunctionalInterface
    interface Handling {
        void handle() throws Exception;
    }

    private MessageHandling() {
    }

    /**
     * Runs {@code handling} for {@code message}, received on {@code connection}; a runtime failure is
     * logged and swallowed, a checked one logged and rethrown (the RI then closes the connection).
     */
    static void guarded(String connection, SIPMessage message, Handling handling) throws Exception {
        try {
            handling.handle();
        } catch (RuntimeException e) {
            long n = FAILURES.incrementAndGet();
            long now = System.nanoTime();
            long last = LAST_LOGGED.get();
            if ((n == 1 || now - last > LOG_EVERY_NANOS) && LAST_LOGGED.compareAndSet(last, now)) {
                log.warn("SIP connection {}: handling {} failed ({}); the connection stays open ({} such failures so far)",
                        connection, describe(message), e.toString(), n);
            } else {
                log.debug("SIP connection {}: handling {} failed ({})", connection, describe(message), e.toString());
            }
        } catch (Exception e) {
            log.info("SIP connection {}: {} refused ({}): connection closed", connection, describe(message), e.getMessage());
            throw e;
        }
    }

    /** Messages whose handling failed with a runtime exception since the start (tests, metrics). */
    static long failures() {
        return FAILURES.get();
    }

    /** The message's first line and Call-ID, for a log line. */
    static String describe(SIPMessage message) {
        if (message == null) {
            return "a message";
        }
        String first = message.getFirstLine();
        first = first == null ? "a message" : first.trim();
        return message.getCallId() == null ? first : first + " (Call-ID " + message.getCallId().getCallId() + ")";
    }
}
