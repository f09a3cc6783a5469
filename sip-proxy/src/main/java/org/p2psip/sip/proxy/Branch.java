package org.p2psip.sip.proxy;

import java.util.concurrent.ScheduledFuture;
import javax.sip.ClientTransaction;

/** One branch of a forwarded request (RFC 3261 Sec. 16.6): a client transaction towards one target. */
final class Branch {
    final ForwardContext ctx;
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

    Branch(ForwardContext ctx, Target target) {
        this.ctx = ctx;
        this.target = target;
    }

    @Override
    public String toString() {
        return "branch to " + (hop != null ? hop : target);
    }
}
