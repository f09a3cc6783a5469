package org.p2psip.sip.stack;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the SIP messages a JAIN-SIP stack sends and receives through SLF4J (logger {@value #LOGGER_NAME}),
 * replacing the RI's file-based {@code ServerLog}. Installed through the stack property
 * {@code gov.nist.javax.sip.SERVER_LOGGER} (see {@link SipStacks}); one instance per stack.
 *
 * <p>DEBUG: one line per message (direction, start line, peer, Call-ID, CSeq). TRACE: the whole message.
 */
public class Slf4jServerLogger implements ServerLogger {

    /** The SLF4J logger name for SIP message traces. */
    public static final String LOGGER_NAME = "org.p2psip.sip.messages";

    private final Logger log;
    private volatile String stackName = "sip";

    /** The no-argument constructor the RI instantiates reflectively. */
    public Slf4jServerLogger() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    Slf4jServerLogger(Logger log) {
        this.log = log;
    }

    @Override
    public void closeLogFile() {
        // Nothing to close: SLF4J owns the output.
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        log(message, from, to, null, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        log(message, from, to, status, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        log(message, from, to, status, sender);
    }

    @Override
    public void logException(Exception ex) {
        if (ex == null) {
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("[{}] exception while handling a message: {}", stackName, ex.toString(), ex);
        } else if (!Slf4jStackLogger.isExpected(ex)) {
            log.warn("[{}] unexpected exception while handling a message", stackName, ex);
        }
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        if (stackProperties != null) {
            String name = stackProperties.getProperty("javax.sip.STACK_NAME");
            if (name != null) {
                stackName = name;
            }
        }
    }

    @Override
    public void setSipStack(SipStack sipStack) {
        if (sipStack != null && sipStack.getStackName() != null) {
            stackName = sipStack.getStackName();
        }
    }

    private void log(SIPMessage message, String from, String to, String status, boolean sender) {
        if (message == null || !log.isDebugEnabled()) {
            return;
        }
        String direction = sender ? "sent" : "received";
        String peer = sender ? "to " + to : "from " + from;
        String state = status == null ? "" : " [" + status + "]";
        if (log.isTraceEnabled()) {
            log.trace("[{}] {} {}{}:{}{}", stackName, direction, peer, state, System.lineSeparator(),
                    message.encode());
        } else {
            String firstLine = message.getFirstLine();
            log.debug("[{}] {} {}{}: {} (Call-ID {}, CSeq {})", stackName, direction, peer, state,
                    firstLine == null ? "?" : firstLine.trim(),
                    message.getCallId() == null ? "-" : message.getCallId().getCallId(),
                    message.getCSeq() == null ? "-" : message.getCSeq().getSeqNumber() + " " + message.getCSeq().getMethod());
        }
    }
}
