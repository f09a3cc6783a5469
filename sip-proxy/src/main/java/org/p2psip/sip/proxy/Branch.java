package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.concurrent.ScheduledFuture;
import javax.sip.ClientTransaction;
import javax.sip.SipException;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One branch of a forwarded request (RFC 3261 Sec. 16.6): a client transaction towards one target. Guarded by its context's lock. */
final class Branch {
    private static final Logger log = LoggerFactory.getLogger(Branch.class);

    final ResponseContext ctx;
    final Target target;
    /** The signalling SATO this branch travels over (remote targets), once the OM named it. */
    volatile String sato;
    NextHop hop;
    Side out;
    ClientTransaction ct;
    boolean provisional;
    boolean isFinal;
    boolean cancelPending;
    boolean cancelSent;
    ScheduledFuture<?> timerC;

    Branch(ResponseContext ctx, Target target) {
        this.ctx = ctx;
        this.target = target;
    }

    /** Sends CANCEL now if the branch had a provisional response, else once it has one (RFC 3261 9.1). Caller holds the context lock. */
    void cancel(Interfaces ifs) {
        if (cancelSent || ct == null) {
            return;
        }
        if (!provisional) {
            cancelPending = true;
            return;
        }
        cancelSent = true;
        try {
            Request c = ct.createCancel();
            ((SIPMessage) c).setApplicationData(hop);
            ClientTransaction cct = ifs.provider(out).getNewClientTransaction(c);
            cct.sendRequest();
        } catch (SipException e) {
            log.info("CANCEL towards {} failed: {}", hop, e.getMessage());
        }
    }

    /** Gives up a branch that has not left yet (no client transaction) or cancels it. Caller holds the context lock. */
    void stop(Interfaces ifs) {
        if (ct == null) {
            isFinal = true;
        } else {
            cancel(ifs);
        }
    }

    @Override
    public String toString() {
        return "branch to " + (hop != null ? hop : target);
    }
}
