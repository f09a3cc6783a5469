package org.p2psip.experiment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.Fields;
import org.p2psip.control.MessageTypes;

/** {@code rtp.stats} of an RTP-Port, asked over its control socket: fields {@code SESSION:LEG.counter}. */
public final class RtpStats {
    private RtpStats() {
    }

    /** The RTP-Port's statistics, or null if it does not answer. */
    public static ControlMessage ask(Path socket) {
        try (ControlClient c = ControlClient.connect(socket, "experiment", "nat-experiment", ControlHandler.NONE,
                Duration.ofSeconds(5))) {
            return c.call(ControlMessage.request(MessageTypes.RTP_STATS));
        } catch (ControlException | RuntimeException e) {
            return null;
        }
    }

    /** The session ids in an {@code rtp.stats} answer. */
    public static List<String> sessions(ControlMessage m) {
        return m.getAll(Fields.SESSION); // an rtp.stats page names each of its sessions once
    }

    /** Packets received on every leg of every session in an {@code rtp.stats} answer (0 for null). */
    public static long packetsIn(ControlMessage m) {
        long n = 0;
        if (m == null) {
            return 0;
        }
        for (java.util.Map.Entry<String, String> f : m.fields()) {
            if (f.getKey().endsWith(".packets_in")) {
                try {
                    n += Long.parseLong(f.getValue());
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return n;
    }
}
