package org.p2psip.phone;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.TimeoutEvent;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests the phone sent and is waiting on (REGISTER, INVITE, BYE): the listener hands them
 * their provisional responses, final response or transaction timeout; the sender waits with a deadline.
 */
final class ClientTransactions {

    private static final Logger log = LoggerFactory.getLogger(ClientTransactions.class);

    /** A sent request: its transaction and what the listener completes. */
    record Outgoing(ClientTransaction ct, Pending pending) {
    }

    /** The final response to come, and who hears of provisional ones. */
    static final class Pending {
        final CompletableFuture<ResponseEvent> done = new CompletableFuture<>();
        final Consumer<Response> provisional;

        Pending(Consumer<Response> provisional) {
            this.provisional = provisional;
        }
    }

    private final SipEndpoint ua;
    private final Map<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();

    ClientTransactions(SipEndpoint ua) {
        this.ua = ua;
    }

    /** Sends an out-of-dialog request in a new client transaction; {@code provisional} may be null. */
    Outgoing send(Request r, Consumer<Response> provisional) throws SipException {
        ClientTransaction ct = ua.provider().getNewClientTransaction(r);
        Pending p = new Pending(provisional);
        pending.put(ct, p);
        try {
            ct.sendRequest();
        } catch (SipException | RuntimeException e) {
            pending.remove(ct);
            throw e;
        }
        return new Outgoing(ct, p);
    }

    /** Sends a request inside {@code dialog} (BYE) in a new client transaction. */
    Outgoing sendInDialog(Dialog dialog, Request r) throws SipException {
        ClientTransaction ct = ua.provider().getNewClientTransaction(r);
        Pending p = new Pending(null);
        pending.put(ct, p);
        dialog.sendRequest(ct);
        return new Outgoing(ct, p);
    }

    /** The final response, or null if none came within {@code timeout}; a transaction timeout throws. */
    ResponseEvent await(Outgoing o, Duration timeout, String what) throws PhoneException {
        try {
            ResponseEvent ev = o.pending.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            pending.remove(o.ct);
            return ev;
        } catch (TimeoutException e) {
            return null; // still pending: the caller decides (CANCEL, give up)
        } catch (ExecutionException e) {
            pending.remove(o.ct);
            Throwable cause = e.getCause();
            throw new PhoneException(what + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(o.ct);
            throw new PhoneException(what + " failed: interrupted");
        }
    }

    /** Stops waiting for the request's final response. */
    void forget(Outgoing o) {
        pending.remove(o.ct);
    }

    /** From the listener: a response to one of the phone's requests. */
    void onResponse(ResponseEvent e) {
        ClientTransaction ct = e.getClientTransaction();
        Pending p = ct == null ? null : pending.get(ct);
        if (p == null) {
            log.debug("phone {}: response without waiting request: {}", ua.cfg().user(),
                    e.getResponse().getStatusCode());
            return;
        }
        int code = e.getResponse().getStatusCode();
        if (code < 200) {
            if (p.provisional != null) {
                p.provisional.accept(e.getResponse());
            }
        } else {
            p.done.complete(e);
        }
    }

    /** From the listener: a client transaction timed out (no response at all). */
    void onTimeout(TimeoutEvent e) {
        Pending p = pending.get(e.getClientTransaction());
        if (p != null) {
            p.done.completeExceptionally(new PhoneException(
                    "no response from " + ua.proxyString() + " (SIP transaction timeout)"));
        }
    }
}
