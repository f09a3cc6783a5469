package org.p2psip.interop.linphone;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * linphone's own statistics of one call's audio stream: what oRTP (linphone's RTP stack) prints
 * when the stream ends, at log level 5: {@code sent N packets}, {@code received N packets},
 * {@code incoming cumulative lost N packets}.
 */
public record LinphoneRtpStats(long sent, long received, long lost) {
    private static final Pattern SENT = Pattern.compile("ortp-message-sent\\s+(\\d+) packets");
    private static final Pattern RECEIVED = Pattern.compile("ortp-message-received\\s+(\\d+) packets");
    private static final Pattern LOST = Pattern.compile("ortp-message-incoming cumulative lost\\s+(-?\\d+) packets");

    /** How many statistics blocks the log lines hold. */
    static int blocks(List<String> logLines) {
        int n = 0;
        for (String l : logLines) {
            if (SENT.matcher(l).find()) {
                n++;
            }
        }
        return n;
    }

    /** The {@code n}-th (0-based) statistics block in linphonec's log lines, or null if it is not complete yet. */
    static LinphoneRtpStats nth(List<String> logLines, int n) {
        int block = -1;
        long sent = -1;
        long received = -1;
        for (String l : logLines) {
            Matcher m = SENT.matcher(l);
            if (m.find()) {
                block++;
                sent = Long.parseLong(m.group(1));
                received = -1;
            } else if (block == n && (m = RECEIVED.matcher(l)).find()) {
                received = Long.parseLong(m.group(1));
            } else if (block == n && received >= 0 && (m = LOST.matcher(l)).find()) {
                return new LinphoneRtpStats(sent, received, Long.parseLong(m.group(1)));
            }
        }
        return null;
    }

    /** Media went both ways: something sent, something received. */
    public boolean bothWays() {
        return sent > 0 && received > 0;
    }

    @Override
    public String toString() {
        return "linphone sent " + sent + " RTP packets, received " + received + ", lost " + lost;
    }
}
