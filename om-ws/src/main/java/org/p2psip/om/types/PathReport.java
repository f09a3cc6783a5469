package org.p2psip.om.types;

/**
 * What one end of a media SATO received over the overlay in the last {@code windowMillis}
 * (the OM IF's ReportPath): the stream is named by its call and the overlay address of the
 * reporting end's RTP-Port session ({@code mediaAddress}).
 */
public record PathReport(String callId, Address mediaAddress, PathEvent event, long windowMillis, long packets,
                         double lossRatio, double jitterMillis, long silentMillis) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d packets in %d ms, loss %.1f%%, jitter %.1f ms, silent %d ms)",
                event.wire(), packets, windowMillis, lossRatio * 100, jitterMillis, silentMillis);
    }
}
