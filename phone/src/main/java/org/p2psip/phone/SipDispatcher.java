package org.p2psip.phone;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone's JAIN-SIP listener, called on the stack's event thread (never blocks): requests go to
 * the part that handles their method (INVITE and CANCEL to {@link IncomingCalls}, ACK and BYE to
 * {@link InDialogRequests}; OPTIONS gets 200, anything else 405), responses and timeouts to the
 * waiting {@link ClientTransactions}.
 */
final class SipDispatcher implements SipListener {

    private static final Logger log = LoggerFactory.getLogger(SipDispatcher.class);

    private final SipEndpoint ua;
    private final ClientTransactions transactions;
    private final IncomingCalls incoming;
    private final InDialogRequests dialog;

    SipDispatcher(SipEndpoint ua, ClientTransactions transactions, IncomingCalls incoming, InDialogRequests dialog) {
        this.ua = ua;
        this.transactions = transactions;
        this.incoming = incoming;
        this.dialog = dialog;
    }

    @Override
    public void processRequest(RequestEvent e) {
        Request req = e.getRequest();
        try {
            switch (req.getMethod()) {
                case Request.INVITE -> incoming.onInvite(e);
                case Request.ACK -> dialog.onAck(req);
                case Request.BYE -> dialog.onBye(e);
                case Request.CANCEL -> incoming.onCancel(e);
                case Request.OPTIONS -> ua.respond(ua.serverTransaction(e), req, Response.OK, null);
                default -> ua.respond(ua.serverTransaction(e), req, Response.METHOD_NOT_ALLOWED, null);
            }
        } catch (RuntimeException ex) {
            log.warn("phone {}: error handling {}: {}", ua.cfg().user(), req.getMethod(), ex.toString(), ex);
        }
    }

    @Override
    public void processResponse(ResponseEvent e) {
        transactions.onResponse(e);
    }

    @Override
    public void processTimeout(TimeoutEvent e) {
        if (!e.isServerTransaction()) {
            transactions.onTimeout(e);
        } else {
            log.debug("phone {}: server transaction timeout", ua.cfg().user());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent e) {
        log.debug("phone {}: I/O error towards {}:{}", ua.cfg().user(), e.getHost(), e.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent e) {
        // nothing to clean: pending entries are removed by their waiters
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent e) {
        log.debug("phone {}: dialog terminated", ua.cfg().user());
    }
}
