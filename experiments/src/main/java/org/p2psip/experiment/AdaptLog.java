package org.p2psip.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The adaptation lines of a peer's log (logger {@code p2psip.adapt}), read back with their times:
 * the caller's OM moving a media SATO ({@code adapted: OLD -> NEW (REASON); moved in N ms}), its
 * own measure of a gap ({@code media back ... after a gap of N ms}), an insertion that found no
 * relay ({@code ...: stays direct}); and a peer's node id ({@code overlay peer ID up}). Log lines
 * start with the local time {@code HH:mm:ss.SSS} (the peers' logback pattern); they are turned
 * into epoch milliseconds on the day nearest to {@code reference}.
 */
final class AdaptLog {
    private static final Pattern ADAPTED = Pattern.compile(
            "media SATO (\\S+) \\(call [^)]*\\) adapted: (direct|via \\S+) -> (direct|via \\S+) \\((.*)\\); moved in (\\d+) ms");
    private static final Pattern BACK = Pattern.compile("media SATO (\\S+) \\(call [^)]*\\): media back (.*) after a gap of (\\d+) ms");
    private static final Pattern STAYS = Pattern.compile("media SATO (\\S+): (.*): stays direct");
    private static final Pattern UP = Pattern.compile("overlay peer (\\S+) up");
    /** At most this many lines are kept from one log. */
    static final int MAX_LINES = 10_000;

    /** One line: when (epoch ms), what kind, the path before and after (for moves), the figure, the text. */
    record Entry(long atMillis, Kind kind, String from, String to, String reason, long millis, String line) {
        /** The relay's short id of a {@code via XXXXXXXX} path, or null for {@code direct}. */
        static String relayOf(String path) {
            return path != null && path.startsWith("via ") ? path.substring(4) : null;
        }
    }

    /** The kinds of lines. */
    enum Kind { MOVED, MEDIA_BACK, STAYS_DIRECT }

    private AdaptLog() {
    }

    /** The adaptation lines of {@code log} (empty if it does not exist). */
    static List<Entry> read(Path log, long reference) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return parse(Files.readAllLines(log, StandardCharsets.UTF_8), reference);
    }

    static List<Entry> parse(List<String> lines, long reference) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            if (out.size() >= MAX_LINES) {
                break;
            }
            Matcher m;
            if ((m = ADAPTED.matcher(line)).find()) {
                out.add(new Entry(time(line, reference), Kind.MOVED, m.group(2), m.group(3), m.group(4),
                        Long.parseLong(m.group(5)), message(line)));
            } else if ((m = BACK.matcher(line)).find()) {
                out.add(new Entry(time(line, reference), Kind.MEDIA_BACK, null, m.group(2), null, Long.parseLong(m.group(3)),
                        message(line)));
            } else if ((m = STAYS.matcher(line)).find()) {
                out.add(new Entry(time(line, reference), Kind.STAYS_DIRECT, "direct", "direct", m.group(2), 0, message(line)));
            }
        }
        return out;
    }

    /** The node id a peer's log announces ({@code overlay peer ID up}). */
    static Optional<String> nodeId(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        Matcher m = UP.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether a relay's short id as the log shows it ({@code via 1a2b3c4d}) names the node {@code nodeId}. */
    static boolean sameNode(String shortId, String nodeId) {
        if (shortId == null || nodeId == null || shortId.isEmpty()) {
            return false;
        }
        String a = shortId.toLowerCase();
        String b = nodeId.toLowerCase();
        return a.startsWith(b) || b.startsWith(a);
    }

    /** The line's time as epoch ms on the day nearest {@code reference}; -1 if the line has none. */
    static long time(String line, long reference) {
        if (line.length() < 12) {
            return -1;
        }
        LocalTime t;
        try {
            t = LocalTime.parse(line.substring(0, 12));
        } catch (DateTimeParseException e) {
            return -1;
        }
        ZoneId zone = ZoneId.systemDefault();
        LocalDate day = java.time.Instant.ofEpochMilli(reference).atZone(zone).toLocalDate();
        long best = -1;
        for (int d = -1; d <= 1; d++) {
            long at = LocalDateTime.of(day.plusDays(d), t).atZone(zone).toInstant().toEpochMilli();
            if (best < 0 || Math.abs(at - reference) < Math.abs(best - reference)) {
                best = at;
            }
        }
        return best;
    }

    private static String message(String line) {
        int i = line.indexOf(" - ");
        return (i >= 0 && i < 120 ? line.substring(i + 3) : line).strip();
    }
}
