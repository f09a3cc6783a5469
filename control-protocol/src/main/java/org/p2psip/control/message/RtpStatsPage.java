package org.p2psip.control.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code rtp.stats} of every session, one page of them (all of them would not fit a
 * 64 KiB frame with hundreds of sessions): {@code sessions} (how many on this page), {@code more}
 * ({@code true} when more follow: ask again with {@code after} = {@code next_after}),
 * {@code session} repeated, and each session's {@link RtpSessionStats} fields prefixed with
 * {@code <session>:} (e.g. {@code call-7:overlay.packets_in}).
 */
public record RtpStatsPage(List<RtpSessionStats> sessions, boolean more, String nextAfter) {
    public RtpStatsPage {
        sessions = Wire.copy(sessions);
        Wire.requireArg(!more || nextAfter != null && !nextAfter.isEmpty(), "a page with more sessions needs next_after");
    }

    /** The last page, or the only one. */
    public RtpStatsPage(List<RtpSessionStats> sessions) {
        this(sessions, false, null);
    }

    /** A page of {@code sessions}; when {@code more}, the next page starts after the last of them. */
    public static RtpStatsPage of(List<RtpSessionStats> sessions, boolean more) {
        return new RtpStatsPage(sessions, more, more && !sessions.isEmpty() ? sessions.get(sessions.size() - 1).id() : null);
    }

    /** The session ids on this page, in order. */
    public List<String> ids() {
        List<String> out = new ArrayList<>(sessions.size());
        sessions.forEach(s -> out.add(s.id()));
        return out;
    }

    /** The session called {@code id}, or null. */
    public RtpSessionStats session(String id) {
        for (RtpSessionStats s : sessions) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** Bytes that {@code s} adds to a page's frame: its {@code session} field and its prefixed fields. */
    public static int sizeOf(RtpSessionStats s) {
        int prefix = utf8(s.id()) + Fields.SESSION_SEPARATOR.length();
        int n = field(Fields.SESSION.length(), utf8(s.id()));
        n += field(prefix + Fields.ROLE.length(), utf8(s.role()));
        n += field(prefix + Fields.AGE_MS.length(), Long.toString(s.ageMillis()).length());
        n += field(prefix + Fields.IDLE_MS.length(), Long.toString(s.idleMillis()).length());
        for (RtpLeg l : s.legs()) {
            int legName = utf8(l.name());
            n += field(prefix + Fields.LEG.length(), legName);
            for (Map.Entry<String, String> f : l.fields().entrySet()) {
                n += field(prefix + legName + Fields.LEG_SEPARATOR.length() + utf8(f.getKey()), utf8(f.getValue()));
            }
        }
        return n;
    }

    /** A field's bytes in a frame: two u16 lengths, its key and its value. */
    private static int field(int keyBytes, int valueBytes) {
        return 4 + keyBytes + valueBytes;
    }

    private static int utf8(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }

    /** Whether an {@code rtp.stats} answer is a page of every session (rather than one session). */
    public static boolean isPage(ControlMessage answer) {
        return answer.get(Fields.SESSIONS) != null;
    }

    public ControlMessage answer(ControlMessage request) {
        ControlMessage r = ControlMessage.responseTo(request).with(Fields.SESSIONS, sessions.size()).with(Fields.MORE, more);
        r = Wire.withOptional(r, Fields.NEXT_AFTER, nextAfter);
        for (RtpSessionStats s : sessions) {
            r = r.with(Fields.SESSION, s.id());
        }
        for (RtpSessionStats s : sessions) {
            r = s.addTo(r, prefix(s.id()));
        }
        return r;
    }

    public static RtpStatsPage from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_STATS);
        int count = Wire.requireInt(m, Fields.SESSIONS);
        List<String> ids = m.getAll(Fields.SESSION);
        if (count != ids.size()) {
            throw Wire.invalid(m, Fields.SESSIONS, m.get(Fields.SESSIONS), ids.size() + " session fields");
        }
        boolean more = Wire.optionalBoolean(m, Fields.MORE, false);
        String next = m.get(Fields.NEXT_AFTER);
        if (more && (next == null || next.isEmpty())) {
            throw Wire.missing(m, Fields.NEXT_AFTER);
        }
        // one pass over the page sorts the fields by session (a page holds thousands); each session's few are then read
        Map<String, ControlMessage> own = new HashMap<>(ids.size() * 2);
        for (String id : ids) {
            if (id.isEmpty()) {
                throw Wire.invalid(m, Fields.SESSION, id, "empty session id");
            }
            own.put(id, ControlMessage.event(MessageTypes.RTP_STATS));
        }
        for (Map.Entry<String, String> f : m.fields()) {
            String key = f.getKey();
            int sep = key.lastIndexOf(Fields.SESSION_SEPARATOR);
            if (sep <= 0 || sep == key.length() - 1) {
                continue;
            }
            String id = key.substring(0, sep);
            ControlMessage fields = own.get(id);
            if (fields != null) {
                own.put(id, fields.with(key, f.getValue()));
            }
        }
        List<RtpSessionStats> sessions = new ArrayList<>(ids.size());
        for (String id : ids) {
            sessions.add(RtpSessionStats.from(own.get(id), id, prefix(id)));
        }
        return new RtpStatsPage(sessions, more, next);
    }

    private static String prefix(String id) {
        return id + Fields.SESSION_SEPARATOR;
    }
}
