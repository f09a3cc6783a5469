package org.p2psip.peer;

import java.util.Locale;
import org.p2psip.common.Options.Option;

/**
 * The example configuration file of a release ({@code etc/peer.conf.example}, written by
 * {@code scripts/dist}): every option of {@code ./p2psip peer}, made from the option table itself
 * ({@link PeerConfig#OPTIONS}), so it cannot miss one. Each option is a comment with its help and
 * a commented-out {@code name=default} line; {@code ./p2psip peer --config FILE} reads it.
 */
public final class ExampleConfiguration {
    private ExampleConfiguration() {
    }

    /** The file's text. */
    public static String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("# p2psip peer configuration: ./p2psip peer --config FILE\n")
                .append("#\n")
                .append("# One option per line, name=value, with the names of the command-line flags (--sip-port 5070 is\n")
                .append("# sip-port=5070 here). Flags given on the command line win over this file; this file wins over the\n")
                .append("# defaults. '#' starts a comment. Every option is listed below, commented out, with its default.\n");
        for (Option o : PeerConfig.OPTIONS) {
            if (o.name().equals("config")) {
                continue;
            }
            sb.append("\n");
            for (String line : wrap(o.help(), 96)) {
                sb.append("# ").append(line).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "#%s=%s%n", o.name(), o.defaultValue() == null ? "" : o.defaultValue()));
        }
        return sb.toString();
    }

    private static java.util.List<String> wrap(String text, int width) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Prints the file's text (used by {@code scripts/dist}). */
    public static void main(String[] args) {
        System.out.print(text());
    }
}
