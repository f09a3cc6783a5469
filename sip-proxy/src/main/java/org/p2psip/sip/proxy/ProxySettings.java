package org.p2psip.sip.proxy;

/**
 * Tunables of the proxy core.
 *
 * @param sdpRewrite   rewrite SDP so media runs through the RTP-Ports (draft Sec. 4); off: media direct between UAs
 * @param timerCMillis RFC 3261 Timer C: an INVITE branch without a final response this long is cancelled (> 3 min by the RFC)
 * @param maxCallMillis a call whose BYE never came releases its SATOs after this long
 */
public record ProxySettings(boolean sdpRewrite, long timerCMillis, long maxCallMillis) {
    public static ProxySettings defaults() {
        return new ProxySettings(true, 181_000, 12L * 3600 * 1000);
    }
}
