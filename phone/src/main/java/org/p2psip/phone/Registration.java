package org.p2psip.phone;

import java.text.ParseException;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The phone's registration (RFC 3261 Sec. 10): REGISTER {@code sip:DOMAIN} for the AoR with the
 * phone's Contact, refreshed at half the lifetime the registrar granted (retried sooner after a
 * failure), removed with {@code Expires: 0}. All REGISTERs share one Call-ID and From tag with a
 * rising CSeq.
 */
final class Registration {

    private final SipEndpoint ua;
    private final ClientTransactions transactions;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final CallIdHeader callId;
    private final String fromTag = SipMessages.newTag();
    private long cseq;
    private volatile boolean registered;
    private volatile int grantedExpires;
    private ScheduledFuture<?> refresh;

    Registration(SipEndpoint ua, ClientTransactions transactions) {
        this.ua = ua;
        this.transactions = transactions;
        this.callId = ua.provider().getNewCallId();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phone-" + ua.cfg().user() + "-timer");
            t.setDaemon(true);
            return t;
        });
    }

    boolean isRegistered() {
        return registered;
    }

    /** The lifetime the registrar granted last (seconds), 0 if not registered. */
    int grantedExpires() {
        return registered ? grantedExpires : 0;
    }

    /** REGISTER with the configured lifetime; refreshed until {@link #unregister()} or the phone closes. */
    void register() throws PhoneException {
        int granted = send(ua.cfg().registerExpires());
        ua.step("registered " + ua.aor().getURI() + " (expires " + granted + " s)");
    }

    /** REGISTER with {@code Expires: 0}. No-op when not registered. */
    void unregister() throws PhoneException {
        synchronized (lock) {
            if (refresh != null) {
                refresh.cancel(false);
                refresh = null;
            }
            if (!registered) {
                return;
            }
            registered = false;
        }
        send(0);
        ua.step("unregistered " + ua.aor().getURI());
    }

    /** No more refreshes: the phone is closing. */
    void stopRefreshing() {
        timer.shutdownNow();
    }

    private int send(int expires) throws PhoneException {
        String user = ua.cfg().user();
        String what = expires == 0 ? "unregistration of " + user : "registration of " + user;
        ResponseEvent ev;
        synchronized (lock) {
            Response challenge = null;
            Response resp;
            int code;
            int attempts = 0;
            while (true) {
                attempts++;
                ClientTransactions.Outgoing o;
                try {
                    SipURI registrar = ua.sipUri(null);
                    Request r = ua.newRequest(Request.REGISTER, registrar, ua.aor(), callId, ++cseq, fromTag);
                    r.addHeader(ua.headers().createExpiresHeader(expires));
                    if (challenge != null) {
                        r.addHeader(DigestAnswer.answer(challenge, r, user, ua.cfg().password(), ua.headers()));
                    }
                    o = transactions.send(r, null);
                } catch (ParseException | InvalidArgumentException | SipException e) {
                    throw new PhoneException(what + " failed: " + e.getMessage(), e);
                }
                ev = transactions.await(o, ua.cfg().requestTimeout(), what);
                if (ev == null) {
                    throw new PhoneException(what + " failed: no answer from " + ua.proxyString() + " within "
                            + ua.cfg().requestTimeout().toSeconds() + " s");
                }
                resp = ev.getResponse();
                code = resp.getStatusCode();
                // a digest challenge is answered once (again if only the nonce went stale)
                boolean challenged = code == Response.UNAUTHORIZED || code == Response.PROXY_AUTHENTICATION_REQUIRED;
                if (!challenged || ua.cfg().password() == null || attempts >= 3 || (challenge != null && !stale(resp))) {
                    break;
                }
                try {
                    if (DigestAnswer.answer(resp, ua.newRequest(Request.REGISTER, ua.sipUri(null), ua.aor(), callId, cseq,
                            fromTag), user, ua.cfg().password(), ua.headers()) == null) {
                        break;
                    }
                } catch (ParseException | InvalidArgumentException e) {
                    throw new PhoneException(what + " failed: " + e.getMessage(), e);
                }
                challenge = resp;
            }
            if (code / 100 != 2) {
                throw new PhoneException(what + " failed: " + SipMessages.status(resp), code, null);
            }
            if (expires == 0) {
                return 0;
            }
            int granted = granted(resp, expires);
            if (granted <= 0) {
                throw new PhoneException(what + " failed: the registrar did not keep the contact");
            }
            grantedExpires = granted;
            registered = true;
            scheduleRefresh(Math.max(1, granted / 2));
            return granted;
        }
    }

    private static boolean stale(Response r) {
        for (java.util.Iterator<?> it = r.getHeaders(r.getStatusCode() == Response.UNAUTHORIZED
                ? javax.sip.header.WWWAuthenticateHeader.NAME : javax.sip.header.ProxyAuthenticateHeader.NAME); it.hasNext(); ) {
            String st = ((javax.sip.header.WWWAuthenticateHeader) it.next()).getParameter("stale");
            if ("true".equalsIgnoreCase(st)) {
                return true;
            }
        }
        return false;
    }

    private void scheduleRefresh(long delaySeconds) {
        if (refresh != null) {
            refresh.cancel(false);
        }
        if (ua.isClosed()) {
            return;
        }
        refresh = timer.schedule(this::refresh, delaySeconds, TimeUnit.SECONDS);
    }

    private void refresh() {
        if (ua.isClosed() || !registered) {
            return;
        }
        try {
            int granted = send(ua.cfg().registerExpires());
            ua.step("registration refreshed (expires " + granted + " s)");
        } catch (PhoneException e) {
            ua.step("registration refresh failed, retrying: " + e.getMessage());
            synchronized (lock) {
                if (registered) {
                    scheduleRefresh(Math.max(1, Math.min(5, grantedExpires / 4)));
                }
            }
        }
    }

    /** The lifetime granted to our Contact: its {@code expires} parameter, else the Expires header. */
    private int granted(Response resp, int requested) {
        SipURI mine = ua.contactUri();
        for (Iterator<?> it = resp.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            ContactHeader ch = (ContactHeader) it.next();
            if (ch.getAddress() != null && ch.getAddress().getURI() instanceof SipURI u
                    && Objects.equals(u.getUser(), mine.getUser()) && u.getHost().equalsIgnoreCase(mine.getHost())
                    && effectivePort(u) == mine.getPort() && ch.getExpires() >= 0) {
                return ch.getExpires();
            }
        }
        ExpiresHeader eh = (ExpiresHeader) resp.getHeader(ExpiresHeader.NAME);
        return eh != null ? eh.getExpires() : requested;
    }

    private static int effectivePort(SipURI u) {
        return u.getPort() > 0 ? u.getPort() : 5060;
    }
}
