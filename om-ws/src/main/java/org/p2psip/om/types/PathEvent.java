package org.p2psip.om.types;

import java.util.Locale;

/** What the receiving end of a media SATO saw on its overlay leg (the OM IF's ReportPath). */
public enum PathEvent {
    /** Nothing arrived for a while although media flowed before: the path (or the relay on it) is gone. */
    SILENT,
    /** Media arrives, with loss or jitter above the thresholds. */
    DEGRADED,
    /** Media arrives within the thresholds again. */
    RECOVERED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event named {@code s} on the wire. */
    public static PathEvent parse(String s) throws OmException {
        if (s != null) {
            for (PathEvent e : values()) {
                if (e.wire().equals(s.trim())) {
                    return e;
                }
            }
        }
        throw OmException.invalid("event", s == null ? "event is missing or not one of silent, degraded, recovered"
                : "path event must be silent, degraded or recovered, not '" + s + "'");
    }
}
