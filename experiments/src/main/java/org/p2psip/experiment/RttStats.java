package org.p2psip.experiment;

/**
 * Round trips measured by {@link Lab#probeRtt}: small numbered datagrams from one site to a UDP echo
 * on another and back.
 *
 * @param sent      probes sent
 * @param received  answers received in time
 * @param minMillis shortest round trip, ms (-1 if none came back)
 * @param avgMillis mean round trip, ms (-1 if none came back)
 * @param maxMillis longest round trip, ms (-1 if none came back)
 */
public record RttStats(int sent, int received, double minMillis, double avgMillis, double maxMillis) {

    /** The share of probes without an answer, in percent. */
    public double lossPercent() {
        return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
    }

    /** Parses the agent's {@code ok SENT RECEIVED MIN AVG MAX}. */
    static RttStats parse(String answer) {
        String[] f = answer.split(" ");
        return new RttStats(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d/%d answered (%.0f%% lost), rtt min/avg/max %.1f/%.1f/%.1f ms",
                received, sent, lossPercent(), minMillis, avgMillis, maxMillis);
    }
}
