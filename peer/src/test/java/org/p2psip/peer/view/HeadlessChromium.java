package org.p2psip.peer.view;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real browser for the tests: Debian's {@code chromium}, headless, with one page open at a URL,
 * driven over the DevTools protocol (JDK WebSocket): evaluate JavaScript in the page, take a
 * screenshot. {@link #close()} ends the browser process this test started (and only it).
 */
final class HeadlessChromium implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts chromium showing {@code url}; fails with a clear message if chromium is not installed. */
    static HeadlessChromium open(String url, Path profile) throws Exception {
        String exe = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : null;
        if (exe == null) {
            throw new AssertionError("chromium is not installed (Debian package chromium; scripts/test installs it)");
        }
        Files.createDirectories(profile);
        Process p = new ProcessBuilder(exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--window-size=1500,1100", url)
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("chromium did not open its DevTools port; its log:\n"
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            while (ws == null && System.nanoTime() < deadline) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (Object t : (List<?>) MiniJson.parse(list)) {
                    if ("page".equals(MiniJson.path(t, "type"))) {
                        ws = (String) MiniJson.path(t, "webSocketDebuggerUrl");
                    }
                }
                if (ws == null) {
                    Thread.sleep(100);
                }
            }
            if (ws == null) {
                throw new AssertionError("chromium shows no page");
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            StringBuilder partial = new StringBuilder();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String text = partial.toString();
                        partial.setLength(0);
                        Object m = MiniJson.parse(text);
                        Object id = MiniJson.path(m, "id");
                        if (id instanceof Double d && self[0] != null) {
                            CompletableFuture<Object> f = self[0].pending.remove(d.intValue());
                            if (f != null) {
                                f.complete(m);
                            }
                        }
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(p, socket);
            return self[0];
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Calls a DevTools method; {@code paramsJson} is its params object. */
    Object call(String method, String paramsJson) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", true).get(5, TimeUnit.SECONDS);
        Object answer = f.get(15, TimeUnit.SECONDS);
        if (MiniJson.path(answer, "error") != null) {
            throw new AssertionError(method + " failed: " + MiniJson.path(answer, "error"));
        }
        return answer;
    }

    /** The value of a JavaScript expression in the page, as a string. */
    String eval(String expression) throws Exception {
        Object a = call("Runtime.evaluate", "{\"expression\":" + quote("String(" + expression + ")") + ",\"returnByValue\":true}");
        Object v = MiniJson.path(a, "result", "result", "value");
        if (v == null) {
            throw new AssertionError("the page could not evaluate " + expression + ": " + a);
        }
        return (String) v;
    }

    /** A PNG of the page, {@code width} x {@code height} CSS pixels from the top left. */
    byte[] screenshot(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                + ",\"deviceScaleFactor\":1,\"mobile\":false}");
        Object a = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        return Base64.getDecoder().decode((String) MiniJson.path(a, "result", "data"));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } catch (RuntimeException e) {
            // the browser is being stopped anyway
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
