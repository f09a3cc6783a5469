package org.p2psip.interop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory of a process tree as the kernel accounts it: the sum of {@code Pss:} from
 * {@code /proc/PID/smaps_rollup} over the process and its descendants. PSS charges each shared page
 * to its sharers in equal parts, so the sum counts a page shared by the tree's JVMs once.
 */
public final class Pss {
    private Pss() {
    }

    /** The {@code Pss:} line of one smaps_rollup text, in KiB; -1 if there is none. */
    public static long pssKib(String smapsRollup) {
        return field(smapsRollup, "Pss:");
    }

    /** The {@code Rss:} line of one smaps_rollup text, in KiB; -1 if there is none. */
    public static long rssKib(String smapsRollup) {
        return field(smapsRollup, "Rss:");
    }

    private static long field(String text, String name) {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith(name)) {
                String[] f = l.substring(name.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Sum of the Pss of several smaps_rollup texts, in KiB (texts without a Pss line count 0). */
    public static long sumPssKib(List<String> smapsRollups) {
        long sum = 0;
        for (String s : smapsRollups) {
            sum += Math.max(0, pssKib(s));
        }
        return sum;
    }

    /** One measured process tree: total PSS, and per process (pid, command name, PSS). */
    public record Tree(long pssKib, List<String> parts) {
        public double mib() {
            return pssKib / 1024.0;
        }
    }

    /** The PSS of {@code root} and all its live descendants (those that exit meanwhile are skipped). */
    public static Tree of(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        List<String> texts = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (ProcessHandle h : all) {
            try {
                String t = Files.readString(Path.of("/proc", Long.toString(h.pid()), "smaps_rollup"));
                texts.add(t);
                parts.add(h.pid() + " " + shortCommand(h) + " " + pssKib(t) / 1024 + " MiB");
            } catch (IOException e) {
                // exited in between
            }
        }
        return new Tree(sumPssKib(texts), parts);
    }

    private static String shortCommand(ProcessHandle h) {
        String args = h.info().arguments().map(a -> String.join(" ", a)).orElse("");
        for (String sub : new String[] {"sip-port", "rtp-port", "peer", "kamailio"}) {
            if (args.contains(" " + sub + " ") || args.startsWith(sub + " ")) {
                return sub;
            }
        }
        return h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?");
    }
}
