package org.p2psip.experiment;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load flow in a {@link Lab}, from one site to another: a UDP flood at a set rate
 * ({@link Lab#udpFlood}) or a bulk TCP transfer ({@link Lab#tcpBulk}), each a source on the sending
 * site's load agent and a sink on the receiving site's. Runs until {@link #stop()} (or the lab's
 * close).
 */
public final class LoadFlow implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadFlow.class);

    /** After the source stops, how long the sink keeps counting what is still queued on the way. */
    static final Duration DRAIN = Duration.ofMillis(700);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String kind;
    private final LoadAgentProcess source;
    private final int sourceId;
    private final LoadAgentProcess sink;
    private final int sinkId;
    private final Runnable onStop;
    private LoadResult result;

    LoadFlow(String kind, LoadAgentProcess source, int sourceId, LoadAgentProcess sink, int sinkId, Runnable onStop) {
        this.kind = kind;
        this.source = source;
        this.sourceId = sourceId;
        this.sink = sink;
        this.sinkId = sinkId;
        this.onStop = onStop;
    }

    /** {@code udp-flood} or {@code tcp-bulk}. */
    public String kind() {
        return kind;
    }

    public Site from() {
        return source.site();
    }

    public Site to() {
        return sink.site();
    }

    /** What the flow carried so far (it keeps running). */
    public synchronized LoadResult progress() {
        if (result != null) {
            return result;
        }
        return result(source.call("stats " + sourceId, CALL_TIMEOUT), sink.call("stats " + sinkId, CALL_TIMEOUT));
    }

    /**
     * Stops the source, lets what is still queued arrive ({@link #DRAIN}), stops the sink
     * and returns what the flow carried. Idempotent: later calls return the same result.
     */
    public synchronized LoadResult stop() {
        if (result != null) {
            return result;
        }
        try {
            String sent = source.call("stop " + sourceId, CALL_TIMEOUT);
            try {
                Thread.sleep(DRAIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            result = result(sent, sink.call("stop " + sinkId, CALL_TIMEOUT));
            LOG.info("{}", result);
            return result;
        } finally {
            onStop.run();
        }
    }

    /** {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    private LoadResult result(String sent, String received) {
        String[] s = sent.split(" ");
        String[] r = received.split(" ");
        return new LoadResult(kind, from().name(), to().name(), Long.parseLong(s[1]), Long.parseLong(s[2]),
                Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]));
    }

    @Override
    public String toString() {
        return kind + " " + from().name() + "->" + to().name();
    }
}
