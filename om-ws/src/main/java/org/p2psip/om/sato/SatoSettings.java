package org.p2psip.om.sato;

import java.time.Duration;

/**
 * What the OM needs to know to serve its P2PSIP-Port's SATO requests: the relay policy with its
 * thresholds (paper Sec. 5.2), whether this peer is behind a NAT (Sec. 5.3), and how running media
 * SATOs adapt (Sec. 4).
 *
 * @param relayPolicy      when the media SATO goes through a relay RTP-Port
 * @param relayRttMs       with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this RTT median (UDP probes)
 * @param relayQueueMs     with {@link RelayPolicy.Mode#AUTO}: the direct path breaks when its RTT median lies more than
 *                         this above its base RTT (the lowest of the last minutes): a standing queue, congestion
 * @param relayLossPercent with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this probe loss
 * @param relayJitterMs    with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this jitter
 * @param nat              this peer is behind a NAT
 * @param adaptation       how running media SATOs are watched and adapted
 */
public record SatoSettings(RelayPolicy.Mode relayPolicy, long relayRttMs, long relayQueueMs, long relayLossPercent,
                           long relayJitterMs, boolean nat, Adaptation adaptation) {
    /** The default of {@link #relayQueueMs}. */
    public static final long DEFAULT_QUEUE_MS = 50;

    /** With the default queueing threshold and adaptation. */
    public SatoSettings(RelayPolicy.Mode relayPolicy, long relayRttMs, long relayLossPercent, long relayJitterMs, boolean nat) {
        this(relayPolicy, relayRttMs, DEFAULT_QUEUE_MS, relayLossPercent, relayJitterMs, nat, Adaptation.DEFAULT);
    }

    /**
     * Mid-call adaptation of media SATOs.
     *
     * @param on          whether running media SATOs are watched at all
     * @param silence     a path that carried media and then nothing for this long is dead: fail over
     * @param insertAfter with policy auto, a direct path degraded past the thresholds for this long gets a relay
     * @param removeAfter with policy auto, a relay inserted for a congested path goes when the direct path has
     *                    been good for this long (well within the thresholds)
     * @param deadMedia   a call whose media has not arrived at this end for this long is ended (the P2PSIP-Port
     *                    sends BYE to its phone); zero: never. Until then a lost far peer does not end it.
     */
    public record Adaptation(boolean on, Duration silence, Duration insertAfter, Duration removeAfter, Duration deadMedia) {
        public static final Adaptation DEFAULT = new Adaptation(true, Duration.ofMillis(150), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(30));
        public static final Adaptation OFF = new Adaptation(false, DEFAULT.silence, DEFAULT.insertAfter, DEFAULT.removeAfter,
                Duration.ZERO);

        /** Without a dead-media time of its own: the default's. */
        public Adaptation(boolean on, Duration silence, Duration insertAfter, Duration removeAfter) {
            this(on, silence, insertAfter, removeAfter, Duration.ofSeconds(30));
        }
    }
}
