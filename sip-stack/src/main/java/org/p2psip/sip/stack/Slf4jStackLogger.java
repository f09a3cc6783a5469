package org.p2psip.sip.stack;

import gov.nist.core.LogLevels;
import gov.nist.core.StackLogger;
import java.io.IOException;
import java.text.ParseException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.SipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges the JAIN-SIP reference implementation's internal logging ({@link StackLogger}) to SLF4J, so
 * the stack needs no log4j. Installed through the stack property {@code gov.nist.javax.sip.STACK_LOGGER}
 * (see {@link SipStacks}); the RI keeps one such logger per JVM, so every stack logs under the SLF4J
 * logger {@value #LOGGER_NAME}.
 *
 * <p>Level mapping: fatal and error to ERROR, warning to WARN, info to DEBUG (the RI's "info" is
 * internal detail, e.g. a line per received message), debug to DEBUG, trace to TRACE. A few warnings the
 * RI prints on every stack creation although nothing is wrong (TLS not configured, which this project
 * does not use) are demoted to DEBUG. {@link #isLoggingEnabled(int)} answers from the SLF4J logger's
 * effective level with the same mapping, so the stack does not build strings that would be dropped;
 * the RI asks TRACE_MESSAGES (= TRACE_INFO) before tracing messages, which is answered true also when
 * only the message logger {@value Slf4jServerLogger#LOGGER_NAME} is at DEBUG. Exceptions that are expected on a network
 * (I/O, parse and SIP errors) are logged as one line; their stack trace is only printed when DEBUG is
 * enabled. Programming errors (runtime exceptions, errors) keep their stack trace.
 */
public class Slf4jStackLogger implements StackLogger {

    /** The SLF4J logger name under which the JAIN-SIP RI logs. */
    public static final String LOGGER_NAME = "gov.nist.javax.sip";

    private static final Logger MESSAGES = LoggerFactory.getLogger(Slf4jServerLogger.LOGGER_NAME);

    private final Logger log;
    private final AtomicInteger lineCount = new AtomicInteger();
    private volatile boolean enabled = true;

    /** The no-argument constructor the RI instantiates reflectively. */
    public Slf4jStackLogger() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    Slf4jStackLogger(Logger log) {
        this.log = log;
    }

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int traceLevel) {
        if (!isLoggingEnabled(traceLevel)) {
            return;
        }
        StackTraceElement[] frames = new Throwable().getStackTrace();
        StringBuilder sb = new StringBuilder("stack trace:");
        // Frame 0 is this method, frame 1 may be logStackTrace(); skip both.
        for (int i = 1; i < frames.length; i++) {
            if (i == 1 && frames[i].getClassName().equals(Slf4jStackLogger.class.getName())) {
                continue;
            }
            sb.append(System.lineSeparator()).append("\tat ").append(frames[i]);
        }
        emit(traceLevel, sb.toString(), null);
    }

    @Override
    public int getLineCount() {
        return lineCount.get();
    }

    @Override
    public void logException(Throwable ex) {
        if (ex == null) {
            return;
        }
        if (isExpected(ex)) {
            if (log.isDebugEnabled()) {
                count();
                log.debug("exception in SIP stack: {}", ex.toString(), ex);
            } else if (enabled && log.isWarnEnabled()) {
                count();
                log.warn("exception in SIP stack: {}", ex.toString());
            }
        } else if (enabled && log.isErrorEnabled()) {
            count();
            log.error("unexpected exception in SIP stack", ex);
        }
    }

    @Override
    public void logDebug(String message) {
        if (enabled && log.isDebugEnabled()) {
            count();
            log.debug(message);
        }
    }

    @Override
    public void logDebug(String message, Exception ex) {
        if (enabled && log.isDebugEnabled()) {
            count();
            log.debug(message, ex);
        }
    }

    @Override
    public void logTrace(String message) {
        if (enabled && log.isTraceEnabled()) {
            count();
            log.trace(message);
        }
    }

    @Override
    public void logFatalError(String message) {
        if (enabled && log.isErrorEnabled()) {
            count();
            log.error(message);
        }
    }

    @Override
    public void logError(String message) {
        if (enabled && log.isErrorEnabled()) {
            count();
            log.error(message);
        }
    }

    @Override
    public void logError(String message, Exception ex) {
        if (!enabled) {
            return;
        }
        if (ex == null) {
            logError(message);
        } else if (ex instanceof javax.net.ssl.SSLException && message != null && message.startsWith("A problem occured while Accepting")) {
            // a client whose TLS handshake failed (plain bytes, no certificate, another CA's): refused, as it should be
            if (log.isWarnEnabled()) {
                count();
                log.warn("SIP over TLS: refused a connection, its TLS handshake failed (a certificate the TLS listener"
                        + " trusts is required): {}", ex.getMessage());
            }
        } else if (message != null && message.startsWith("A problem occured while trying to send a single CLRF")) {
            // the RI answers the CRLFs it feeds its own parser at a connection's end (the far side closed it,
            // e.g. a peer stopping, the usual end of a TLS connection): nothing is wrong
            if (log.isDebugEnabled()) {
                count();
                log.debug("{}: {} (the connection had ended)", message, ex.toString());
            }
        } else if (isExpected(ex)) {
            if (log.isDebugEnabled()) {
                count();
                log.error("{}: {}", message, ex.toString(), ex);
            } else if (log.isErrorEnabled()) {
                count();
                log.error("{}: {}", message, ex.toString());
            }
        } else if (log.isErrorEnabled()) {
            count();
            log.error(message, ex);
        }
    }

    @Override
    public void logWarning(String message) {
        if (isStartupChatter(message)) {
            logDebug(message);
        } else if (enabled && log.isWarnEnabled()) {
            count();
            log.warn(message);
        }
    }

    @Override
    public void logInfo(String message) {
        logDebug(message);
    }

    /** Warnings the RI gives for every stack about its own TLS keystore settings, which are not used here. */
    private static boolean isStartupChatter(String message) {
        if (message == null) {
            return false;
        }
        for (String prefix : STARTUP_CHATTER) {
            if (message.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static final String[] STARTUP_CHATTER = {
        "using default tls security policy",
        "Using default keystore type",
        "Using default truststore type",
        "TLS server settings will be inactive",
        "TLS trust settings will be inactive",
    };

    @Override
    public boolean isLoggingEnabled() {
        return enabled;
    }

    /**
     * Whether a message at the RI's level ({@link LogLevels}: TRACE_FATAL=2 ... TRACE_TRACE=64) would be
     * written, judged from the SLF4J logger's effective level. TRACE_MESSAGES equals TRACE_INFO (16).
     */
    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (!enabled || logLevel <= TRACE_NONE) {
            return false;
        }
        if (logLevel >= TRACE_TRACE) {
            return log.isTraceEnabled();
        }
        if (logLevel >= TRACE_DEBUG) {
            return log.isDebugEnabled();
        }
        if (logLevel >= TRACE_INFO) {
            // RI info is logged at DEBUG. TRACE_MESSAGES (same value) also gates the message trace of
            // Slf4jServerLogger, which has its own logger: enabling that one alone must suffice.
            return log.isDebugEnabled() || MESSAGES.isDebugEnabled();
        }
        if (logLevel >= TRACE_WARN) {
            return log.isWarnEnabled();
        }
        return log.isErrorEnabled();
    }

    @Override
    public void disableLogging() {
        enabled = false;
    }

    @Override
    public void enableLogging() {
        enabled = true;
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        if (log.isDebugEnabled()) {
            log.debug("JAIN-SIP RI build {}", buildTimeStamp);
        }
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // The SLF4J backend's configuration decides levels; nothing to take from the stack properties.
    }

    @Override
    public String getLoggerName() {
        return log.getName();
    }

    private void emit(int level, String message, Throwable t) {
        count();
        if (level >= TRACE_TRACE) {
            log.trace(message, t);
        } else if (level >= TRACE_INFO) {
            log.debug(message, t);
        } else if (level >= TRACE_WARN) {
            log.warn(message, t);
        } else {
            log.error(message, t);
        }
    }

    private void count() {
        lineCount.incrementAndGet();
    }

    /** Failures a network-facing stack meets in normal operation: they are reported, not dumped. */
    static boolean isExpected(Throwable ex) {
        return ex instanceof IOException || ex instanceof ParseException || ex instanceof SipException
                || ex instanceof IllegalArgumentException;
    }
}
