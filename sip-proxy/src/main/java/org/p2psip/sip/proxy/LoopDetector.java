package org.p2psip.sip.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.ListIterator;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * Loop detection of RFC 3261 Sec. 16.3 item 4 and 16.6 item 8: the branch this proxy puts in its Via
 * carries a hash of the request as received (Request-URI, From tag, To tag, Call-ID, CSeq,
 * Proxy-Require). A request that comes back with one of this proxy's Vias whose hash equals the
 * current one is a loop (482); a different hash is a spiral (the Request-URI changed), which is fine.
 */
final class LoopDetector {
    static final String PREFIX = "z9hG4bKp2p";
    private final AtomicLong counter = new AtomicLong(System.nanoTime() & 0xFFFFFFL);

    /** The loop-detection hash of {@code request} as received. */
    String hash(Request request) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, request.getRequestURI().toString());
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        CallIdHeader cid = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        h = mix(h, from == null ? "" : String.valueOf(from.getTag()));
        h = mix(h, to == null ? "" : String.valueOf(to.getTag()));
        h = mix(h, cid == null ? "" : cid.getCallId());
        h = mix(h, cseq == null ? "" : cseq.getSeqNumber() + cseq.getMethod());
        for (Iterator<?> it = request.getHeaders(ProxyRequireHeader.NAME); it.hasNext(); ) {
            h = mix(h, String.valueOf(((Header) it.next())));
        }
        return Long.toHexString(h);
    }

    private static long mix(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= 0x1f;
        return h * 0x100000001b3L;
    }

    /** A fresh branch for a request forwarded statefully, carrying {@code hash}. */
    String branch(String hash) {
        return PREFIX + hash + "." + Long.toHexString(counter.incrementAndGet());
    }

    /** True if one of the Vias put there by this proxy ({@code own}) carries {@code hash}: a loop. */
    boolean isLoop(Request request, String hash, Interfaces own) {
        ListIterator<?> it = request.getHeaders(ViaHeader.NAME);
        while (it.hasNext()) {
            ViaHeader v = (ViaHeader) it.next();
            String b = v.getBranch();
            if (b == null || !b.startsWith(PREFIX) || !own.isOwn(v.getHost(), v.getPort())) {
                continue;
            }
            int dot = b.indexOf('.', PREFIX.length());
            String h = dot < 0 ? b.substring(PREFIX.length()) : b.substring(PREFIX.length(), dot);
            if (h.equals(hash)) {
                return true;
            }
        }
        return false;
    }
}
