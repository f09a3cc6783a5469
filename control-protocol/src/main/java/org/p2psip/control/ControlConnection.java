package org.p2psip.control;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Unix-domain stream connection of the control protocol, either side. Both sides may send
 * requests and events at any time; responses are matched to requests by id. A reader thread per
 * connection reads frames; requests are handled on the owner's worker pool (or, those the handler
 * {@linkplain ControlHandler#answersAtOnce answers at once}, on the reader), events in order.
 * A malformed frame closes the connection (logged, no stack trace).
 */
public final class ControlConnection implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);
    /** Requests not handled because their sender had given up before a worker took them, in this JVM. */
    private static final AtomicLong STALE = new AtomicLong();
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final FrameCodec codec;
    private final ControlHandler handler;
    private final Executor workers;
    private final Executor events;
    private final String localRole;
    private final String localName;
    private final Map<Integer, CompletableFuture<ControlMessage>> pending = new ConcurrentHashMap<>();
    /** Events a handler asked to send right after its answer, by request id; only while the request is handled. */
    private final Map<Integer, ControlMessage> afterAnswer = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writeLock = new Object();
    private final CompletableFuture<Void> helloDone = new CompletableFuture<>();
    private final Thread reader;
    private volatile String remoteRole = "?";
    private volatile String remoteName = "?";
    private volatile Runnable onClose = () -> { };

    ControlConnection(SocketChannel channel, FrameCodec codec, ControlHandler handler, Executor workers,
                      String localRole, String localName, String threadName) {
        this.channel = channel;
        this.codec = codec;
        this.handler = handler;
        this.workers = workers;
        this.events = new SerialExecutor(workers);
        this.localRole = localRole;
        this.localName = localName;
        this.reader = new Thread(this::readLoop, threadName);
        this.reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    void onClose(Runnable r) {
        this.onClose = r;
    }

    /** Client side: the hello exchange that opens every connection. */
    void hello(Duration timeout) throws ControlException {
        ControlMessage answer = call(ControlMessage.request(MessageTypes.HELLO)
                .with(MessageTypes.F_VERSION, MessageTypes.VERSION)
                .with(MessageTypes.F_ROLE, localRole)
                .with(MessageTypes.F_NAME, localName), timeout);
        acceptHello(answer);
    }

    private void acceptHello(ControlMessage m) throws ControlException {
        long version = m.getLong(MessageTypes.F_VERSION, -1);
        if (version != MessageTypes.VERSION) {
            throw new ControlException(ErrorCode.VERSION_MISMATCH,
                    "peer speaks control protocol version " + version + ", this side " + MessageTypes.VERSION);
        }
        remoteRole = m.get(MessageTypes.F_ROLE, "?");
        remoteName = m.get(MessageTypes.F_NAME, "?");
        helloDone.complete(null);
    }

    /** The role the other side announced in its hello (for example {@code rtp-port}). */
    public String remoteRole() {
        return remoteRole;
    }

    public String remoteName() {
        return remoteName;
    }

    private String describeRemote() {
        return helloDone.isDone() ? remoteRole + " " + remoteName : "a peer that has not said hello";
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Sends {@code request} and completes with the response; an error frame completes exceptionally with {@link ControlException}. */
    public CompletableFuture<ControlMessage> request(ControlMessage request, Duration timeout) {
        if (request.kind() != ControlMessage.Kind.REQUEST) {
            throw new IllegalArgumentException("not a request: " + request);
        }
        int id = nextId.updateAndGet(i -> i == Integer.MAX_VALUE ? 1 : i + 1);
        CompletableFuture<ControlMessage> f = new CompletableFuture<>();
        pending.put(id, f);
        if (closed.get()) {
            pending.remove(id);
            return CompletableFuture.failedFuture(new ControlException(ErrorCode.DISCONNECTED, "control connection closed"));
        }
        try {
            send(request.withId(id).with(MessageTypes.F_WAIT_MS, timeout.toMillis()));
        } catch (ControlException e) {
            pending.remove(id);
            f.completeExceptionally(e);
            return f;
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((m, e) -> pending.remove(id));
    }

    /** Blocking form of {@link #request}: the response, or a typed exception (timeout included). */
    public ControlMessage call(ControlMessage request, Duration timeout) throws ControlException {
        try {
            return request(request, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.INTERNAL, "interrupted while waiting for " + request.type());
        } catch (ExecutionException e) {
            throw asControlException(request, e.getCause(), timeout);
        }
    }

    public ControlMessage call(ControlMessage request) throws ControlException {
        return call(request, DEFAULT_TIMEOUT);
    }

    /** A failed request's cause as the typed exception {@link #call} throws. */
    public static ControlException asControlException(ControlMessage request, Throwable cause, Duration timeout) {
        if (cause instanceof ControlException) {
            return (ControlException) cause;
        }
        if (cause instanceof TimeoutException) {
            return new ControlException(ErrorCode.TIMEOUT, request.type() + ": no answer within " + timeout.toMillis() + " ms");
        }
        return new ControlException(ErrorCode.INTERNAL, request.type() + ": " + cause);
    }

    /**
     * For a handler of {@code request} (while it runs {@link ControlHandler#onRequest}): sends {@code event}
     * right after the answer to {@code request}, on the same connection, so the other side reads the
     * answer first. Nothing is sent if the handler then fails (the request is answered with an error).
     * One event per request; a second replaces the first.
     */
    public void sendEventAfterAnswer(ControlMessage request, ControlMessage event) {
        if (event.kind() != ControlMessage.Kind.EVENT) {
            throw new IllegalArgumentException("not an event: " + event);
        }
        afterAnswer.put(request.id(), event);
    }

    /** Sends an asynchronous event. */
    public void sendEvent(ControlMessage event) throws ControlException {
        if (event.kind() != ControlMessage.Kind.EVENT) {
            throw new IllegalArgumentException("not an event: " + event);
        }
        send(event);
    }

    private void send(ControlMessage m) throws ControlException {
        ByteBuffer frame = codec.encode(m);
        synchronized (writeLock) {
            try {
                while (frame.hasRemaining()) {
                    channel.write(frame);
                }
            } catch (IOException e) {
                close();
                throw new ControlException(ErrorCode.DISCONNECTED, "control connection to " + remoteRole + " lost: " + e.getMessage());
            }
        }
    }

    private void readLoop() {
        String why = "closed by peer";
        try {
            while (!closed.get()) {
                ControlMessage m = codec.read(channel);
                if (m == null) {
                    break;
                }
                dispatch(m);
            }
        } catch (MalformedFrameException e) {
            why = "malformed frame: " + e.getMessage();
            log.warn("Closing control connection from {}: {}", describeRemote(), why);
        } catch (EOFException e) {
            why = e.getMessage();
            log.warn("Closing control connection from {}: {}", describeRemote(), why);
        } catch (ClosedChannelException e) {
            why = "closed locally";
        } catch (IOException e) {
            why = e.getMessage();
            if (!closed.get()) {
                log.info("Control connection to {} failed: {}", describeRemote(), why);
            }
        }
        log.debug("Control connection to {} ended: {}", describeRemote(), why);
        close();
    }

    private void dispatch(ControlMessage m) {
        switch (m.kind()) {
            case REQUEST:
                if (MessageTypes.HELLO.equals(m.type())) {
                    answerHello(m.without(MessageTypes.F_WAIT_MS));
                } else {
                    long received = System.nanoTime();
                    long waitMs = m.getLong(MessageTypes.F_WAIT_MS, -1);
                    ControlMessage request = m.without(MessageTypes.F_WAIT_MS);
                    if (handler.answersAtOnce(request)) {
                        handle(request, received, -1); // on this reader: no worker to wait for
                        break;
                    }
                    try {
                        workers.execute(() -> handle(request, received, waitMs));
                    } catch (RejectedExecutionException e) {
                        // every worker busy and the queue full: answer now, keep reading
                        log.warn("Control connection from {}: no worker free for {}; answering RESOURCE_EXHAUSTED",
                                describeRemote(), m.type());
                        respondError(m, new ControlException(ErrorCode.RESOURCE_EXHAUSTED,
                                m.type() + ": every worker is busy and the queue of waiting requests is full; try again"));
                    }
                }
                break;
            case RESPONSE:
                complete(m, null);
                break;
            case ERROR:
                complete(m, m.toException());
                break;
            case EVENT:
                events.execute(() -> {
                    try {
                        handler.onEvent(this, m);
                    } catch (RuntimeException e) {
                        log.error("Event handler failed on {}", m, e);
                    }
                });
                break;
            default:
                break;
        }
    }

    private void answerHello(ControlMessage m) {
        try {
            acceptHello(m);
            send(ControlMessage.responseTo(m)
                    .with(MessageTypes.F_VERSION, MessageTypes.VERSION)
                    .with(MessageTypes.F_ROLE, localRole)
                    .with(MessageTypes.F_NAME, localName));
            events.execute(() -> handler.onConnected(this));
        } catch (ControlException e) {
            log.warn("Refusing control connection from {}: {}", m.get(MessageTypes.F_ROLE), e.getMessage());
            respondError(m, e);
            close();
        }
    }

    private void handle(ControlMessage request, long received, long waitMs) {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - received);
        if (waitMs > 0 && waited >= waitMs) {
            // its sender has given up: handling it now would only delay the requests still awaited
            long n = STALE.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn("Control connection from {}: {} request(s) not handled because they waited for a worker longer"
                        + " than their sender waits (the last: {} after {} ms, its sender waits {} ms)", describeRemote(), n,
                        request.type(), waited, waitMs);
            }
            respondError(request, new ControlException(ErrorCode.TIMEOUT, request.type() + ": waited " + waited
                    + " ms for a worker, longer than its sender waits (" + waitMs + " ms); not handled"));
            return;
        }
        try {
            answer(request);
        } finally {
            ControlMessage event = afterAnswer.remove(request.id());
            if (event != null && !closed.get()) {
                try {
                    send(event);
                } catch (ControlException e) {
                    log.debug("Could not send {} after answering {}: {}", event.type(), request.type(), e.getMessage());
                }
            }
        }
    }

    private void answer(ControlMessage request) {
        ControlMessage answer;
        try {
            answer = handler.onRequest(this, request);
            if (answer == null || answer.kind() != ControlMessage.Kind.RESPONSE) {
                throw new ControlException(ErrorCode.INTERNAL, "handler gave no response to " + request.type());
            }
            answer = answer.withId(request.id());
        } catch (ControlException e) {
            afterAnswer.remove(request.id());
            log.debug("{} answered with {}", request.type(), e.toString());
            respondError(request, e);
            return;
        } catch (RuntimeException e) {
            afterAnswer.remove(request.id());
            log.error("Handler failed on {}", request, e);
            respondError(request, new ControlException(ErrorCode.INTERNAL, String.valueOf(e)));
            return;
        }
        try {
            send(answer);
        } catch (ControlException e) {
            log.debug("Could not answer {}: {}", request.type(), e.getMessage());
        }
    }

    private void respondError(ControlMessage request, ControlException e) {
        try {
            send(ControlMessage.errorTo(request, e.code(), e.getMessage()));
        } catch (ControlException ignored) {
            log.debug("Could not send error for {}: {}", request.type(), ignored.getMessage());
        }
    }

    private void complete(ControlMessage m, ControlException error) {
        CompletableFuture<ControlMessage> f = pending.remove(m.id());
        if (f == null) {
            log.debug("Answer to unknown or expired request #{} ({})", m.id(), m.type());
            return;
        }
        if (error != null) {
            f.completeExceptionally(error);
        } else {
            f.complete(m);
        }
    }

    /** Requests this JVM's control connections did not handle because their senders had given up (see {@link MessageTypes#F_WAIT_MS}). */
    public static long staleRequests() {
        return STALE.get();
    }

    /** Closes the connection; pending requests fail with {@link ErrorCode#DISCONNECTED}. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("close: {}", e.getMessage());
        }
        ControlException gone = new ControlException(ErrorCode.DISCONNECTED, "control connection to " + remoteRole + " closed");
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
        helloDone.completeExceptionally(gone);
        onClose.run();
        events.execute(() -> handler.onClosed(this));
    }

    @Override
    public String toString() {
        return "control connection " + localRole + " <-> " + remoteRole + " " + remoteName;
    }

    /** Runs tasks one at a time, in order, on an underlying pool (the Executor javadoc's pattern). */
    static final class SerialExecutor implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private final Executor pool;
        private Runnable active;

        SerialExecutor(Executor pool) {
            this.pool = pool;
        }

        @Override
        public synchronized void execute(Runnable r) {
            tasks.add(() -> {
                try {
                    r.run();
                } finally {
                    next();
                }
            });
            if (active == null) {
                next();
            }
        }

        private synchronized void next() {
            active = tasks.poll();
            if (active != null) {
                try {
                    pool.execute(active);
                } catch (RejectedExecutionException e) {
                    LoggerFactory.getLogger(ControlConnection.class).warn(
                            "Control events dropped: {} waiting and no worker free (or shut down)", tasks.size() + 1);
                    tasks.clear();
                    active = null;
                }
            }
        }
    }
}
