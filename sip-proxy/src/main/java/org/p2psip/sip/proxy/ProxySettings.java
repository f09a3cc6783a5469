package org.p2psip.sip.proxy;

/**
 * Tunables of the proxy core.
 *
 * @param sdpRewrite   rewrite SDP so media runs through the RTP-Ports (draft Sec. 4); off: media direct between UAs
 * @param timerCMillis RFC 3261 Timer C: an INVITE branch without a final response this long is cancelled (> 3 min by the RFC)
 * @param maxCallMillis a call whose BYE never came releases its SATOs after this long
 * @param maxCallsInSetup overload control: new calls (initial INVITEs) beyond this many in set-up (no
 *                        final response yet and the callee's phone not ringing yet: the overlay's work)
 *                        are refused at once with 503 and Retry-After; ringing calls count towards
 *                        {@link #maxPendingInvites()} only
 * @param targetSetupMillis overload control: when every call set up during a short window waited longer
 *                        than this beyond the fastest set-up to its destination, the port has a standing
 *                        queue and takes only as many calls into set-up as it completes with this wait;
 *                        the excess gets 503 ({@link AdmissionGate})
 */
public record ProxySettings(boolean sdpRewrite, long timerCMillis, long maxCallMillis, int maxCallsInSetup,
                            int targetSetupMillis) {
    /** Default of {@link #maxCallsInSetup}: a few hundred milliseconds of set-ups at this port's capacity. */
    public static final int DEFAULT_MAX_CALLS_IN_SETUP = 32;
    /**
     * Default of {@link #targetSetupMillis}: 0, off. With 30 the calls taken at twice the capacity are set
     * up in about 35 ms instead of 400-500, but a peer at its capacity right after an overload refuses
     * some calls it would have served slowly (docs/benchmarks.md, 2026-12-07): an operator's choice.
     */
    public static final int DEFAULT_TARGET_SETUP_MILLIS = 0;

    public ProxySettings {
        if (maxCallsInSetup < 1) {
            throw new IllegalArgumentException("maxCallsInSetup must be at least 1: " + maxCallsInSetup);
        }
        if (targetSetupMillis < 0) {
            throw new IllegalArgumentException("targetSetupMillis must be at least 0 (off): " + targetSetupMillis);
        }
    }

    /** INVITEs in set-up or ringing at most (the bound of what CANCEL is matched against); beyond, 503. */
    public int maxPendingInvites() {
        return (int) Math.min(1_000_000, Math.max(4096L, 64L * maxCallsInSetup));
    }

    public static ProxySettings defaults() {
        return new ProxySettings(true, 181_000, 12L * 3600 * 1000, DEFAULT_MAX_CALLS_IN_SETUP, DEFAULT_TARGET_SETUP_MILLIS);
    }
}
