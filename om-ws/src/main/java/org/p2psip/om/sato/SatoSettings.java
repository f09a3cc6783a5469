package org.p2psip.om.sato;

/**
 * What the OM needs to know to serve its P2PSIP-Port's SATO requests: the relay policy with its
 * thresholds (paper Sec. 5.2) and whether this peer is behind a NAT (Sec. 5.3).
 *
 * @param relayPolicy      when the media SATO goes through a relay RTP-Port
 * @param relayRttMs       with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this RTT median (UDP probes)
 * @param relayLossPercent with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this probe loss
 * @param relayJitterMs    with {@link RelayPolicy.Mode#AUTO}: the direct path breaks above this jitter
 * @param nat              this peer is behind a NAT
 */
public record SatoSettings(RelayPolicy.Mode relayPolicy, long relayRttMs, long relayLossPercent, long relayJitterMs,
                           boolean nat) {
}
