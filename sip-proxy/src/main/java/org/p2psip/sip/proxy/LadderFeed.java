package org.p2psip.sip.proxy;

import gov.nist.javax.sip.stack.SIPTransaction;
import java.util.function.Consumer;
import javax.sip.ServerTransaction;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.control.message.ViewSip;

/**
 * The P2PSIP-Port's SIP messages of calls, told to whoever watches the peer's web view (the call
 * ladder): each message received or sent, with its side (phone or overlay). Nobody watching (the
 * default) costs one volatile read per message; REGISTERs are never told (they belong to no call).
 */
public final class LadderFeed {
    private final Interfaces ifs;
    private volatile Consumer<ViewSip> watcher;

    LadderFeed(Interfaces ifs) {
        this.ifs = ifs;
    }

    /** From now on every call's messages go to {@code w}; {@code null} stops it. */
    public void watch(Consumer<ViewSip> w) {
        watcher = w;
    }

    public boolean watched() {
        return watcher != null;
    }

    void received(Message m, Side side) {
        tell(m, "in", side);
    }

    void sent(Message m, Side side) {
        tell(m, "out", side);
    }

    /** A response sent on a server transaction: on the side the request came from. */
    void sent(ServerTransaction st, Response r) {
        if (watcher != null && st instanceof SIPTransaction t) {
            tell(r, "out", ifs.sideOf(t.getSipProvider()));
        }
    }

    private void tell(Message m, String direction, Side side) {
        Consumer<ViewSip> w = watcher;
        if (w == null || m == null) {
            return;
        }
        CallIdHeader id = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) m.getHeader(CSeqHeader.NAME);
        if (id == null || cseq == null || Request.REGISTER.equals(cseq.getMethod())) {
            return;
        }
        String start = m instanceof Request req ? req.getMethod()
                : ((Response) m).getStatusCode() + " " + ((Response) m).getReasonPhrase();
        w.accept(new ViewSip(id.getCallId(), direction, side == Side.OVERLAY ? "overlay" : "ua", start,
                cseq.getSeqNumber() + " " + cseq.getMethod(), m.toString()));
    }
}
