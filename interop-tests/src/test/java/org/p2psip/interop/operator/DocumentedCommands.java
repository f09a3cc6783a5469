package org.p2psip.interop.operator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands the project's documents show: every line of a fenced code block, and every inline
 * code span, that starts with {@code ./p2psip} or {@code scripts/} (or, in a block, {@code curl}, or {@code printf}
 * writing a file the next commands read: on a fresh machine nothing else made it) in {@code README.md}, {@code docs/}
 * and every module's README. A command is <em>runnable</em> when it is meant to be typed as it
 * stands (no placeholder such as {@code HOST:PORT}, no {@code [optional]} or {@code a | b} part, no
 * address of another host given to {@code --bind}); otherwise it is a <em>synopsis</em>, whose
 * command and options must exist. Excepted, as issue 21 says (they have tests of their own): the
 * test command {@code scripts/test}, the benchmarks ({@code scripts/bench}, {@code docs/benchmarks.md})
 * and the experiments ({@code ./p2psip experiment}).
 */
final class DocumentedCommands {
    /** One command as a document shows it; {@code block} numbers the fenced block (-1: inline). */
    record Command(Path doc, int line, int block, String text, boolean runnable, boolean background) {
        @Override
        public String toString() {
            return doc + ":" + line + ": " + text;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\b[A-Z][A-Z_]*[A-Z](:[A-Z]+)?\\b|<[a-z-]+>|\\[|\\]|\\s\\|\\s|\\.\\.\\.|\\(");
    private static final Pattern OTHER_HOST_BIND = Pattern.compile("--bind\\s+(?!127\\.|0\\.0\\.0\\.0|localhost)\\S+");
    private static final Pattern INLINE = Pattern.compile("`((?:\\./p2psip|scripts/)[^`]*)`");

    private DocumentedCommands() {
    }

    /** Every document that counts: README.md, docs/*.md, and READMEs below the root (not in target/). */
    static List<Path> documents(Path root) throws IOException {
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !root.relativize(p).toString().contains("target/") && !root.relativize(p).startsWith(".git"))
                    .filter(p -> root.relativize(p).startsWith("docs") || p.getFileName().toString().equals("README.md"))
                    .filter(p -> !root.relativize(p).toString().equals("docs/benchmarks.md"))
                    .sorted()
                    .forEach(docs::add);
        }
        return docs;
    }

    /** The commands of one document, in order. */
    static List<Command> of(Path root, Path doc) throws IOException {
        List<Command> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(doc);
        boolean fenced = false;
        int block = -1;
        Path rel = root.relativize(doc);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.trim().startsWith("```")) {
                fenced = !fenced;
                if (fenced) {
                    block++;
                }
                continue;
            }
            if (fenced) {
                String t = l.trim();
                if (t.startsWith("./p2psip") || t.startsWith("scripts/") || t.startsWith("curl ") || t.startsWith("printf ")) {
                    add(out, rel, i + 1, block, t);
                }
            } else {
                Matcher m = INLINE.matcher(l);
                while (m.find()) {
                    add(out, rel, i + 1, -1, m.group(1).trim());
                }
            }
        }
        return out;
    }

    private static void add(List<Command> out, Path doc, int line, int block, String text) {
        String cmd = withoutComment(text);
        if (excepted(cmd)) {
            return;
        }
        boolean background = cmd.endsWith("&");
        if (background) {
            cmd = cmd.substring(0, cmd.length() - 1).trim();
        }
        boolean synopsis = block < 0 || PLACEHOLDER.matcher(cmd).find() || OTHER_HOST_BIND.matcher(cmd).find()
                || cmd.equals("./p2psip"); // the bare launcher, as a name
        out.add(new Command(doc, line, block, cmd, !synopsis, background));
    }

    static boolean excepted(String cmd) {
        return cmd.startsWith("scripts/test") || cmd.startsWith("scripts/bench") || cmd.startsWith("./p2psip experiment")
                || cmd.startsWith("scripts/dist"); // the release has its own test (DistributionTest)
    }

    /** The command without a trailing {@code # comment}. */
    static String withoutComment(String s) {
        int hash = s.indexOf(" #");
        return (hash >= 0 ? s.substring(0, hash) : s).trim();
    }

    /** The {@code --options} a command names. */
    static List<String> options(String cmd) {
        List<String> o = new ArrayList<>();
        Matcher m = Pattern.compile("(?<=\\s|\\[|\\()--[a-z][a-z0-9-]*").matcher(cmd);
        while (m.find()) {
            o.add(m.group());
        }
        return o;
    }

    /** The words that select the command: {@code ./p2psip dht put} -> [dht, put]; [peer] for a peer. */
    static List<String> commandWords(String cmd) {
        String[] w = cmd.split("\\s+");
        List<String> out = new ArrayList<>();
        if (w.length > 1 && !w[1].startsWith("-") && !w[1].startsWith("<")) {
            out.add(w[1]);
            if (w[1].equals("dht") && w.length > 2 && !w[2].startsWith("-") && !PLACEHOLDER.matcher(w[2]).find()) {
                out.add(w[2]);
            }
        }
        return out;
    }
}
