package org.p2psip.interop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One table of the system benchmark's report, printed as a Markdown pipe table with padded columns
 * (readable in a terminal and pasted as is into docs/benchmarks.md), and the number formats it uses.
 */
public final class Table {
    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Table(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the header " + header.size());
        }
        rows.add(List.of(cells));
        return this;
    }

    /** A line printed under the table. */
    public Table note(String line) {
        notes.add(line);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(title).append("\n\n");
        line(sb, header, w);
        StringBuilder sep = new StringBuilder("|");
        for (int x : w) {
            sep.append('-').append("-".repeat(x)).append("-|");
        }
        sb.append(sep).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        for (String n : notes) {
            sb.append('\n').append(n);
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            sb.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
        }
        sb.append('\n');
    }

    /** Milliseconds: 2 decimals below 10, 1 below 100, none above; "-" if not measured. */
    public static String ms(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v < 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return v < 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    /**
     * {@code value / base} as a factor ({@code "2.45x"}); "n/a" if either is missing (NaN, or not
     * positive). A delay ratio above 1 means slower than the baseline; a rate ratio below 1 means
     * less capacity.
     */
    public static String ratio(double value, double base) {
        if (Double.isNaN(value) || Double.isNaN(base) || value <= 0 || base <= 0) {
            return "n/a";
        }
        double r = value / base;
        if (r < 0.1) {
            return String.format(Locale.ROOT, "%.3fx", r);
        }
        return r < 10 ? String.format(Locale.ROOT, "%.2fx", r) : String.format(Locale.ROOT, "%.1fx", r);
    }

    /** MiB with one decimal; "-" if not measured (negative). */
    public static String mib(long kib) {
        return kib < 0 ? "-" : String.format(Locale.ROOT, "%.1f", kib / 1024.0);
    }
}
