package org.p2psip.experiment;

/**
 * What a {@link LoadFlow} carried: payload bytes and packets (datagrams, or TCP writes and reads)
 * its source sent and its sink received, and the time from the sink's first to its last packet.
 *
 * @param kind            {@code udp-flood} or {@code tcp-bulk}
 * @param from            the sending site's name
 * @param to              the receiving site's name
 * @param sentBytes       payload bytes the source handed to its socket
 * @param sentPackets     datagrams sent, or TCP writes
 * @param receivedBytes   payload bytes the sink received
 * @param receivedPackets datagrams received, or TCP reads
 * @param receivedMillis  milliseconds from the sink's first packet to its last
 */
public record LoadResult(String kind, String from, String to, long sentBytes, long sentPackets,
                         long receivedBytes, long receivedPackets, long receivedMillis) {

    /** The rate the sink received at, in kbit/s of payload (0 if it received too little to tell). */
    public double receivedKbitPerSecond() {
        return receivedMillis <= 0 ? 0 : receivedBytes * 8.0 / receivedMillis;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s %s->%s: sent %d B (%d), received %d B (%d) in %d ms = %.0f kbit/s",
                kind, from, to, sentBytes, sentPackets, receivedBytes, receivedPackets, receivedMillis, receivedKbitPerSecond());
    }
}
