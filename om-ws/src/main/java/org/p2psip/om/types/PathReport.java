package org.p2psip.om.types;

/**
 * What one end of a media SATO received over the overlay in the last {@code windowMillis}
 * (the OM IF's ReportPath): the stream is named by its call and the overlay address of the
 * reporting end's RTP-Port session ({@code mediaAddress}); {@code remote} is where that end's
 * overlay leg points now (null: not said).
 */
public record PathReport(String callId, Address mediaAddress, PathEvent event, long windowMillis, long packets,
                         double lossRatio, double jitterMillis, long silentMillis, Address remote) {

    /** A report that does not say where the reporting end points. */
    public PathReport(String callId, Address mediaAddress, PathEvent event, long windowMillis, long packets,
                      double lossRatio, double jitterMillis, long silentMillis) {
        this(callId, mediaAddress, event, windowMillis, packets, lossRatio, jitterMillis, silentMillis, null);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d packets in %d ms, loss %.1f%%, jitter %.1f ms, silent %d ms)",
                event.wire(), packets, windowMillis, lossRatio * 100, jitterMillis, silentMillis);
    }
}
