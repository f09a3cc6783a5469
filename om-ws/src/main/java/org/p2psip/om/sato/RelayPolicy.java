package org.p2psip.om.sato;

import java.util.function.Supplier;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.records.PeerRecord;

/**
 * Whether a call's media SATO goes through a relay RTP-Port on a third peer (paper Sec. 5.2 and
 * 5.3): never, always, or (auto) when either peer is behind a NAT, OM2 does not answer path
 * probes, or the measured RTT or loss is above its threshold.
 */
public final class RelayPolicy {
    /** The policy as configured ({@code --relay-policy}). */
    public enum Mode { AUTO, ALWAYS, NEVER }

    /** The decision and why. */
    public record Decision(boolean relay, String reason) {
    }

    private final SatoSettings settings;

    public RelayPolicy(SatoSettings settings) {
        this.settings = settings;
    }

    /** Decides for a call to {@code peer}; {@code measure} probes the path to its OM (only called when needed). */
    public Decision decide(PeerRecord peer, Supplier<PathStats.Snapshot> measure) {
        if (settings.relayPolicy() == Mode.NEVER) {
            return new Decision(false, "relay policy never");
        }
        if (settings.relayPolicy() == Mode.ALWAYS) {
            return new Decision(true, "relay policy always");
        }
        boolean self = settings.nat();
        if (self || peer.nat()) {
            // Sec. 5.3: behind a (symmetric) NAT no direct path exists; a relay on a public peer joins both sides
            return new Decision(true, self && peer.nat() ? "both peers are behind NATs"
                    : self ? "this peer is behind a NAT" : "peer " + peer.shortId() + " is behind a NAT");
        }
        PathStats.Snapshot path = measure.get();
        double rtt = path.rttMsAvg() + settings.probeExtraDelayMs();
        double lossPercent = path.lossRatio() * 100;
        if (!path.reachable()) {
            return new Decision(true, "OM2 does not answer path probes");
        }
        if (rtt > settings.relayRttMs()) {
            return new Decision(true, String.format("path congested: RTT %.1f ms > %d ms", rtt, settings.relayRttMs()));
        }
        if (lossPercent > settings.relayLossPercent()) {
            return new Decision(true, String.format("path congested: loss %.0f%% > %d%%", lossPercent, settings.relayLossPercent()));
        }
        return new Decision(false, String.format("path fine: RTT %.1f ms, loss %.0f%%", rtt, lossPercent));
    }
}
