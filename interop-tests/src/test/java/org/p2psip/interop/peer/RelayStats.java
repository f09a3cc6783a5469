package org.p2psip.interop.peer;

import java.util.List;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.Fields;

/** Reads an RTP-Port's {@code rtp.stats} answer: sessions ({@code SESSION:role}), legs, packet counters. */
final class RelayStats {

    private RelayStats() {
    }

    /** The session ids: every {@code SESSION:role} field. */
    static List<String> sessions(ControlMessage m) {
        return m.getAll(Fields.SESSION); // an rtp.stats page names each of its sessions once
    }

    /** Number of legs (over all sessions) whose {@code packets_in} is at least {@code min}. */
    static int legsWithPacketsIn(ControlMessage m, long min) {
        int n = 0;
        for (String s : sessions(m)) {
            for (String leg : m.getAll(s + ":leg")) {
                if (m.getLong(s + ":" + leg + ".packets_in", 0) >= min) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Sum of {@code packets_in} over every leg of every session. */
    static long packetsIn(ControlMessage m) {
        long n = 0;
        for (String s : sessions(m)) {
            for (String leg : m.getAll(s + ":leg")) {
                n += m.getLong(s + ":" + leg + ".packets_in", 0);
            }
        }
        return n;
    }

    /** Per session and leg: {@code role leg in/out}, for messages and the report. */
    static String describe(ControlMessage m) {
        StringBuilder sb = new StringBuilder();
        for (String s : sessions(m)) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(s).append(" (").append(m.get(s + ":role", "?")).append(")");
            for (String leg : m.getAll(s + ":leg")) {
                sb.append(' ').append(leg).append(" in=").append(m.getLong(s + ":" + leg + ".packets_in", 0))
                        .append(" out=").append(m.getLong(s + ":" + leg + ".packets_out", 0));
            }
        }
        return sb.length() == 0 ? "no sessions" : sb.toString();
    }
}
