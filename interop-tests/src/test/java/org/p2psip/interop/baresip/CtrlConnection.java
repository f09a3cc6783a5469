package org.p2psip.interop.baresip;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client of baresip's {@code ctrl_tcp} module: netstring-framed JSON over TCP.
 *
 * <p>Command: {@code {"command":"dial","params":"sip:bob@x","token":"7"}}. Response:
 * {@code {"response":true,"ok":true,"data":"...","token":"7"}}. Events:
 * {@code {"event":true,"type":"CALL_ESTABLISHED","class":"call",...}}. A netstring is
 * {@code <decimal byte length>:<bytes>,}.
 */
final class CtrlConnection implements AutoCloseable {

    /** Answer to one command. */
    record Response(boolean ok, String data) {
    }

    private static final int MAX_FRAME = 1 << 20;

    private final Socket socket;
    private final OutputStream out;
    private final Consumer<Map<String, Object>> onEvent;
    private final Runnable onDisconnect;
    private final Map<String, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private volatile boolean closed;

    private CtrlConnection(Socket socket, Consumer<Map<String, Object>> onEvent, Runnable onDisconnect)
            throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.onEvent = onEvent;
        this.onDisconnect = onDisconnect;
    }

    static CtrlConnection connect(int port, Duration timeout, String threadName,
            Consumer<Map<String, Object>> onEvent, Runnable onDisconnect) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.max(1, timeout.toMillis()));
            s.setTcpNoDelay(true);
            CtrlConnection c = new CtrlConnection(s, onEvent, onDisconnect);
            Thread t = new Thread(c::readLoop, threadName);
            t.setDaemon(true);
            t.start();
            return c;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends a command and waits for its response. */
    Response call(String command, String params, Duration timeout) throws IOException, TimeoutException {
        String token = Long.toString(tokens.incrementAndGet());
        StringBuilder json = new StringBuilder("{\"command\":").append(Json.quote(command));
        if (params != null) {
            json.append(",\"params\":").append(Json.quote(params));
        }
        json.append(",\"token\":").append(Json.quote(token)).append('}');
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Response> f = new CompletableFuture<>();
        pending.put(token, f);
        try {
            synchronized (out) {
                if (closed) {
                    throw new IOException("ctrl_tcp connection closed");
                }
                out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write(',');
                out.flush();
            }
            return f.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for '" + command + "'", e);
        } catch (ExecutionException e) {
            throw new IOException("ctrl_tcp connection lost during '" + command + "'", e.getCause());
        } finally {
            pending.remove(token);
        }
    }

    private void readLoop() {
        try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
            while (true) {
                String frame = readNetstring(in);
                Object parsed;
                try {
                    parsed = Json.parse(frame);
                } catch (IllegalArgumentException e) {
                    continue; // not ours to judge; baresip never sends this
                }
                if (!(parsed instanceof Map<?, ?> raw)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> msg = (Map<String, Object>) raw;
                if (Boolean.TRUE.equals(msg.get("response"))) {
                    CompletableFuture<Response> f = pending.get(String.valueOf(msg.get("token")));
                    if (f != null) {
                        f.complete(new Response(Boolean.TRUE.equals(msg.get("ok")),
                                msg.get("data") == null ? "" : String.valueOf(msg.get("data"))));
                    }
                } else if (Boolean.TRUE.equals(msg.get("event"))) {
                    onEvent.accept(msg);
                }
            }
        } catch (IOException e) {
            // EOF or closed: baresip quit or we closed
        } finally {
            closed = true;
            IOException gone = new IOException("ctrl_tcp connection closed");
            pending.values().forEach(f -> f.completeExceptionally(gone));
            onDisconnect.run();
        }
    }

    private static String readNetstring(InputStream in) throws IOException {
        int len = 0;
        int digits = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException();
            }
            if (c == ':') {
                break;
            }
            if (c < '0' || c > '9' || ++digits > 7) {
                throw new IOException("bad netstring length");
            }
            len = len * 10 + (c - '0');
        }
        if (digits == 0 || len > MAX_FRAME) {
            throw new IOException("bad netstring length " + len);
        }
        byte[] body = in.readNBytes(len);
        if (body.length < len || in.read() != ',') {
            throw new IOException("truncated netstring");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
