package org.p2psip.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the lookup ring as each peer of a lab sees it: every {@code periodMillis} it asks every
 * peer's management socket for {@code peer.status} and keeps the ring size it reports (and its
 * SATOs), with the time. Its own thread, stopped by {@link #close()}; at most {@link #MAX_SAMPLES}
 * samples are kept (the oldest go first).
 */
final class RingWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RingWatch.class);
    static final int MAX_SAMPLES = 200_000;

    /** One answer: {@code size} -1 when the peer did not answer. */
    record Sample(long atMillis, String peer, int size, boolean exact, long lastMergeMillis, long merges, int satos) {
    }

    private final Map<String, Path> sockets;
    private final long periodMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, Sample> latest = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code sockets}: peer name -> its management socket ({@code <state-dir>/om.sock}). */
    RingWatch(Map<String, Path> sockets, long periodMillis) {
        this.sockets = Map.copyOf(new LinkedHashMap<>(sockets));
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "ring-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long start = System.currentTimeMillis();
            for (Map.Entry<String, Path> e : sockets.entrySet()) {
                if (!running) {
                    return;
                }
                PeerStatus st = PeerStatus.ask(e.getValue());
                Sample s = new Sample(System.currentTimeMillis(), e.getKey(), st.getInt("ring.size", -1),
                        "true".equals(st.get("ring.exact")), st.getLong("ring.last_merge", 0), st.getLong("ring.merges", 0),
                        st.getInt("satos", -1));
                synchronized (samples) {
                    if (samples.size() == MAX_SAMPLES) {
                        samples.remove(0);
                    }
                    samples.add(s);
                    latest.put(s.peer(), s);
                }
            }
            long left = periodMillis - (System.currentTimeMillis() - start);
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The latest sample of each peer (peers not yet asked are missing). */
    Map<String, Sample> latest() {
        synchronized (samples) {
            return Map.copyOf(latest);
        }
    }

    /** The first time at or after {@code fromMillis} at which {@code test} held for the latest answer of every peer in {@code peers}, or -1. */
    long firstAllAt(List<String> peers, long fromMillis, java.util.function.Predicate<Sample> test) {
        Map<String, Sample> now = new LinkedHashMap<>();
        for (Sample s : samples()) {
            if (!peers.contains(s.peer())) {
                continue;
            }
            now.put(s.peer(), s);
            if (s.atMillis() >= fromMillis && now.size() == peers.size()
                    && now.values().stream().allMatch(x -> x.atMillis() >= fromMillis && test.test(x))) {
                return s.atMillis();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("ring watch still running after 10 s");
        }
    }
}
