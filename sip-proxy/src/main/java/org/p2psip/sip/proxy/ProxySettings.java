package org.p2psip.sip.proxy;

/**
 * Tunables of the proxy core.
 *
 * @param sdpRewrite   rewrite SDP so media runs through the RTP-Ports (draft Sec. 4); off: media direct between UAs
 * @param timerCMillis RFC 3261 Timer C: an INVITE branch without a final response this long is cancelled (> 3 min by the RFC)
 * @param maxCallMillis a call whose BYE never came releases its SATOs after this long
 * @param maxCallsInSetup overload control: new calls (initial INVITEs) beyond this many still waiting
 *                        for their final response are refused at once with 503 and Retry-After
 */
public record ProxySettings(boolean sdpRewrite, long timerCMillis, long maxCallMillis, int maxCallsInSetup) {
    /** Default of {@link #maxCallsInSetup}: a few hundred milliseconds of set-ups at this port's capacity. */
    public static final int DEFAULT_MAX_CALLS_IN_SETUP = 32;

    public ProxySettings {
        if (maxCallsInSetup < 1) {
            throw new IllegalArgumentException("maxCallsInSetup must be at least 1: " + maxCallsInSetup);
        }
    }

    public static ProxySettings defaults() {
        return new ProxySettings(true, 181_000, 12L * 3600 * 1000, DEFAULT_MAX_CALLS_IN_SETUP);
    }
}
