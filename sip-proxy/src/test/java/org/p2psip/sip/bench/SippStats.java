package org.p2psip.sip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sipp load run's statistics: the last line of its {@code -trace_stat} file (cumulative columns),
 * its exit status and how long it ran. {@code failed} is -1 when sipp wrote no statistics.
 */
public record SippStats(int exit, long created, long ok, long failed, long retrans, double wallSeconds, Map<String, Long> columns) {
    public SippStats {
        columns = Map.copyOf(columns);
    }

    public SippStats(int exit, long created, long ok, long failed, long retrans, double wallSeconds) {
        this(exit, created, ok, failed, retrans, wallSeconds, Map.of());
    }

    public static SippStats read(Path csv, int exit, double wall) throws IOException {
        if (!Files.exists(csv)) {
            return new SippStats(exit, 0, 0, -1, -1, wall);
        }
        return parse(Files.readAllLines(csv, StandardCharsets.ISO_8859_1), exit, wall);
    }

    /** From the lines of a {@code -trace_stat} file: the header and the last row. */
    public static SippStats parse(List<String> lines, int exit, double wall) {
        if (lines.size() < 2) {
            return new SippStats(exit, 0, 0, -1, -1, wall);
        }
        String[] head = lines.get(0).split(";");
        String[] last = lines.get(lines.size() - 1).split(";");
        Map<String, Long> cols = new HashMap<>();
        for (int i = 0; i < head.length && i < last.length; i++) {
            // cumulative counters end in (C); a few (TotalCallCreated, CurrentCall) have no suffix
            String name = head[i].endsWith("(C)") ? head[i].substring(0, head[i].length() - 3) : head[i];
            if (!name.contains("(")) {
                try {
                    cols.put(name, Long.parseLong(last[i].trim()));
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return new SippStats(exit, cols.getOrDefault("TotalCallCreated", 0L), cols.getOrDefault("SuccessfulCall", 0L),
                cols.getOrDefault("FailedCall", -1L), cols.getOrDefault("Retransmissions", -1L), wall, cols);
    }

    /** A cumulative column by its name without {@code (C)}, e.g. {@code FailedTimeoutOnRecv}; 0 if absent. */
    public long column(String name) {
        return columns.getOrDefault(name, 0L);
    }

    /** Every call created completed, none failed, sipp exited 0. */
    public boolean clean() {
        return exit == 0 && failed == 0 && ok > 0 && ok == created;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d ok, %d failed, %d retransmissions, sipp exit %d, %.1f s", ok, failed,
                retrans, exit, wallSeconds);
    }
}
