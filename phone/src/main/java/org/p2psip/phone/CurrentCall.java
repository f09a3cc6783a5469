package org.p2psip.phone;

/** The one call the phone has (being set up, going on, or the last one that ended); null before the first. */
final class CurrentCall {

    private volatile Call call;

    Call get() {
        return call;
    }

    void set(Call c) {
        call = c;
    }

    /** A call is being set up or going on. */
    boolean busy() {
        Call c = call;
        return c != null && !c.isOver();
    }

    /** Stops or resumes sending RTP in the current call; false if there is none. */
    boolean mute(boolean on) {
        Call c = call;
        if (c == null || c.isOver()) {
            return false;
        }
        c.media.mute(on);
        return true;
    }

    /** Media statistics of the current or last call, {@link MediaStats#NONE} before the first. */
    MediaStats stats() {
        Call c = call;
        return c == null ? MediaStats.NONE : c.media.stats();
    }

    /** The current or last call's media since the last interval, null before the first call. */
    MediaInterval takeInterval(long endMillis) {
        Call c = call;
        return c == null ? null : c.media.takeInterval(endMillis);
    }
}
