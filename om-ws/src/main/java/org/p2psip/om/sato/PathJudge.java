package org.p2psip.om.sato;

/**
 * The adaptation rules of one running media SATO, on the caller's side, which owns the chain
 * (Sec. 4: "the SATO-Port in charge can trigger the adaptation of the existing SATO"):
 * <ul>
 *   <li><b>failover</b>: the path carried media and then nothing for {@link SatoSettings.Adaptation#silence()}
 *       (at either end): move to another relay, or back to the direct path; after
 *       {@value #MAX_FAILOVERS} failovers that brought no media back it stops trying until media
 *       flows again (the call stays up on what there is);</li>
 *   <li><b>insertion</b> (policy auto, direct path): degraded past the relay policy's thresholds
 *       without a break for {@link SatoSettings.Adaptation#insertAfter()};</li>
 *   <li><b>removal</b> (a relay inserted for congestion, not one forced by policy always or a NAT):
 *       the direct path comfortably good without a break for {@link SatoSettings.Adaptation#removeAfter()};</li>
 *   <li><b>restoration</b> (policy always): media that went direct (its relay failed and no other was
 *       left, or none was registered at set-up) goes back through a relay, tried once every
 *       {@link SatoSettings.Adaptation#removeAfter()} after the last change.</li>
 * </ul>
 * Hysteresis: an insertion waits {@code insertAfter} and a removal {@code removeAfter} after the
 * last change, so a path held at a threshold changes at most once per window. Pure: fed the
 * figures at each evaluation, it answers what to do; not thread-safe.
 */
final class PathJudge {
    /** Failovers in a row that brought no media back before it stops trying. */
    static final int MAX_FAILOVERS = 3;

    enum Action { NONE, FAILOVER, INSERT, REMOVE, RESTORE }

    record Verdict(Action action, String reason) {
        static final Verdict NONE = new Verdict(Action.NONE, null);
    }

    /**
     * The figures of one evaluation.
     *
     * @param relayed        the media goes through a relay now
     * @param removable      the relay may go (inserted by policy auto between public peers)
     * @param mayInsert      a relay may be inserted (policy auto, no relay now)
     * @param silentMs       how long nothing arrived, at the worse end (counted from the last change at the latest)
     * @param flowed         media arrived over the overlay at some point of the call
     * @param mediaSinceChange media arrived over the overlay since the last change of path
     * @param degraded       why the direct path is degraded now (null: it is not, or not measured)
     * @param directGood     the direct path is comfortably within the thresholds now
     * @param relayWanted    the policy wants a relay on this path (policy always)
     */
    record Figures(boolean relayed, boolean removable, boolean mayInsert, long silentMs, boolean flowed, boolean mediaSinceChange, String degraded,
                   boolean directGood, boolean relayWanted) {
        Figures(boolean relayed, boolean removable, boolean mayInsert, long silentMs, boolean flowed, boolean mediaSinceChange,
                String degraded, boolean directGood) {
            this(relayed, removable, mayInsert, silentMs, flowed, mediaSinceChange, degraded, directGood, false);
        }
    }

    private final SatoSettings.Adaptation settings;
    private long changedNanos;
    private long degradedSinceNanos = -1;
    private long goodSinceNanos = -1;
    private int failoversWithoutMedia;

    PathJudge(SatoSettings.Adaptation settings, long nowNanos) {
        this.settings = settings;
        this.changedNanos = nowNanos;
    }

    Verdict judge(long now, Figures f) {
        long sinceChange = (now - changedNanos) / 1_000_000;
        if (f.mediaSinceChange()) {
            failoversWithoutMedia = 0;
        }
        if (f.silentMs() >= settings.silence().toMillis() && f.flowed() && sinceChange >= settings.silence().toMillis()) {
            if (failoversWithoutMedia >= MAX_FAILOVERS) {
                return Verdict.NONE;
            }
            return new Verdict(Action.FAILOVER, "no media for " + f.silentMs() + " ms " + (f.relayed() ? "through the relay" : "on the direct path"));
        }
        if (f.relayWanted() && !f.relayed() && sinceChange >= settings.removeAfter().toMillis()) {
            return new Verdict(Action.RESTORE, "relay policy always: on the direct path for " + sinceChange / 1000 + " s");
        }
        if (f.mayInsert() && !f.relayed() && f.degraded() != null) {
            if (degradedSinceNanos < 0) {
                degradedSinceNanos = now;
            }
            long degradedMs = (now - degradedSinceNanos) / 1_000_000;
            if (degradedMs >= settings.insertAfter().toMillis() && sinceChange >= settings.insertAfter().toMillis()) {
                return new Verdict(Action.INSERT, "direct path degraded for " + degradedMs + " ms: " + f.degraded());
            }
        } else {
            degradedSinceNanos = -1;
        }
        if (f.relayed() && f.removable() && f.directGood()) {
            if (goodSinceNanos < 0) {
                goodSinceNanos = now;
            }
            long goodMs = (now - goodSinceNanos) / 1_000_000;
            if (goodMs >= settings.removeAfter().toMillis() && sinceChange >= settings.removeAfter().toMillis()) {
                return new Verdict(Action.REMOVE, "direct path good again for " + goodMs + " ms");
            }
        } else {
            goodSinceNanos = -1;
        }
        return Verdict.NONE;
    }

    /** An action was taken at {@code now} ({@code moved}: the path changed; false: nothing to move to). */
    void acted(long now, Action action, boolean moved) {
        changedNanos = now;
        degradedSinceNanos = -1;
        goodSinceNanos = -1;
        if (action == Action.FAILOVER) {
            failoversWithoutMedia++;
        }
    }

    /** Failovers in a row that brought no media back (status). */
    int failoversWithoutMedia() {
        return failoversWithoutMedia;
    }
}
