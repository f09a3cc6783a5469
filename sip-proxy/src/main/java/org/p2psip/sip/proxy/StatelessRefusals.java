package org.p2psip.sip.proxy;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.message.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overload control's refusals, made without a transaction, as a stateless UAS makes them (RFC 3261
 * Sec. 8.2.7): an overloaded port spends on the calls it refuses only the parsing and one 503 with
 * Retry-After, not a server transaction, its timers and the proxy's request processing. What a
 * transaction would have done is kept where the caller needs it:
 * <ul>
 * <li>the 503's To tag starts with {@value #TAG_PREFIX}: the ACK for it is absorbed here
 *     ({@link #isRefusalAck}), not forwarded;</li>
 * <li>a retransmission of a refused INVITE (same Call-ID and top Via branch, within
 *     {@value #REMEMBER_SECONDS} s, the last {@value #REMEMBERED} refusals) is refused again with the
 *     same reason, so that a call its caller was told is refused is never set up behind its back.</li>
 * </ul>
 */
final class StatelessRefusals {
    private static final Logger log = LoggerFactory.getLogger(StatelessRefusals.class);
    static final String TAG_PREFIX = "p2psip503-";
    /** As long as a transaction would absorb the INVITE's retransmissions (64 * T1). */
    static final long REMEMBER_SECONDS = 32;
    static final int REMEMBERED = 4096;

    private final Replies replies;
    private final LadderFeed ladder;
    private final LongSupplier clock;
    private final long rememberNanos = TimeUnit.SECONDS.toNanos(REMEMBER_SECONDS);
    /** Refused INVITEs by transaction key, oldest first: when refused and why. */
    private final Map<String, Refused> refused = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Refused> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Refused(long atNanos, String load) {
    }

    /** Set at the first refusal: until then a new INVITE is looked up nowhere (no key built, no lock taken). */
    private volatile boolean anyRefused;

    StatelessRefusals(Replies replies, LadderFeed ladder, LongSupplier clock) {
        this.replies = replies;
        this.ladder = ladder;
        this.clock = clock;
    }

    /** Whether {@code ack} acknowledges a 503 this port sent statelessly (its To tag carries the mark). */
    static boolean isRefusalAck(Request ack) {
        ToHeader to = (ToHeader) ack.getHeader(ToHeader.NAME);
        String tag = to == null ? null : to.getTag();
        return tag != null && tag.startsWith(TAG_PREFIX);
    }

    /** Why {@code invite} was refused before, if it is a retransmission of a refused INVITE; else null. */
    String earlier(Request invite) {
        if (!anyRefused) {
            return null;
        }
        String key = key(invite);
        if (key == null) {
            return null;
        }
        long now = clock.getAsLong();
        synchronized (refused) {
            Refused r = refused.get(key);
            if (r == null) {
                return null;
            }
            if (now - r.atNanos() > rememberNanos) {
                refused.remove(key);
                return null;
            }
            return r.load();
        }
    }

    /** Sends {@code invite}'s 503 with Retry-After, without a transaction, and remembers the refusal. */
    void refuse(SipProvider provider, Request invite, Side in, String load) {
        String key = key(invite);
        if (key != null) {
            synchronized (refused) {
                refused.putIfAbsent(key, new Refused(clock.getAsLong(), load));
            }
            anyRefused = true;
        }
        Response r = replies.overloadResponse(invite, load);
        try {
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(TAG_PREFIX + Responses.tag());
            StatelessTransaction.sendBack(provider, invite, r);
            ladder.sent(r, in);
        } catch (ParseException | SipException | java.io.IOException | RuntimeException e) {
            log.debug("could not send 503 statelessly: {}", e.getMessage());
        }
    }

    /** Refusals remembered now (at most {@value #REMEMBERED}). */
    int remembered() {
        synchronized (refused) {
            return refused.size();
        }
    }

    /** RFC 3261 17.2.3: a request's transaction is its top Via's branch (with sent-by) and, here, its Call-ID. */
    private static String key(Request req) {
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        CallIdHeader id = (CallIdHeader) req.getHeader(CallIdHeader.NAME);
        if (via == null || id == null || via.getBranch() == null) {
            return null;
        }
        return via.getBranch() + ' ' + via.getHost() + ':' + via.getPort() + ' ' + id.getCallId();
    }
}
