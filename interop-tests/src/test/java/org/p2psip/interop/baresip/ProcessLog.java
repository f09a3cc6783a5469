package org.p2psip.interop.baresip;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Copies a child process's output (stdout and stderr merged) to a log file on a daemon thread,
 * remembers every line (ANSI colour codes removed, carriage returns treated as line ends) and lets
 * callers wait for a line. The tail goes into failure messages.
 */
final class ProcessLog implements AutoCloseable {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;0-9]*[A-Za-z]");
    private static final int MAX_LINES = 20_000;

    private final Path file;
    private final BufferedWriter out;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long lineCount;
    private boolean ended;
    private Thread pump;

    ProcessLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    Path file() {
        return file;
    }

    /** Writes a harness note (e.g. the generated config) into the log file. */
    synchronized void note(String text) {
        try {
            out.write(text);
            if (!text.endsWith("\n")) {
                out.write('\n');
            }
            out.flush();
        } catch (IOException ignored) {
            // the log file is best effort; the in-memory lines still work
        }
    }

    /** Starts copying {@code in} (the process's merged output) until end of stream. */
    void pump(InputStream in, String threadName) {
        synchronized (this) {
            ended = false;
        }
        pump = new Thread(() -> run(in), threadName);
        pump.setDaemon(true);
        pump.start();
    }

    private void run(InputStream in) {
        StringBuilder line = new StringBuilder();
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            int n;
            while ((n = r.read(buf)) >= 0) {
                synchronized (this) {
                    try {
                        out.write(buf, 0, n);
                        out.flush();
                    } catch (IOException ignored) {
                        // keep collecting in memory
                    }
                }
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n' || c == '\r') {
                        if (line.length() > 0) {
                            add(line.toString());
                            line.setLength(0);
                        }
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (IOException ignored) {
            // stream closed: process gone
        } finally {
            if (line.length() > 0) {
                add(line.toString());
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void add(String raw) {
        lines.addLast(ANSI.matcher(raw).replaceAll(""));
        lineCount++;
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
        notifyAll();
    }

    /** Number of lines seen so far (a cursor for {@link #awaitLine}). */
    synchronized long lineCount() {
        return lineCount;
    }

    /** True if some remembered line matches. */
    synchronized boolean anyLine(Predicate<String> p) {
        return anyLine(0, p);
    }

    /** True if some remembered line numbered {@code >= fromLine} matches. */
    synchronized boolean anyLine(long fromLine, Predicate<String> p) {
        long i = lineCount - lines.size();
        for (String l : lines) {
            if (i++ >= fromLine && p.test(l)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a line numbered {@code >= fromLine} matches {@code p}; returns it, or null on
     * timeout or when the output ended without a match.
     */
    synchronized String awaitLine(long fromLine, Predicate<String> p, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long first = lineCount - lines.size();
            long i = first;
            for (String l : lines) {
                if (i++ >= fromLine && p.test(l)) {
                    return l;
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return null;
            }
            long ms = Math.max(1, left / 1_000_000);
            wait(ms);
        }
    }

    /** The last {@code n} lines, one per line. */
    synchronized String tail(int n) {
        List<String> all = new ArrayList<>(lines);
        int from = Math.max(0, all.size() - n);
        return String.join("\n", all.subList(from, all.size()));
    }

    /** Waits briefly for the pump to drain after the process ended. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        Thread t = pump;
        if (t != null) {
            t.join(Math.max(1, timeout.toMillis()));
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
