package org.p2psip.peer.view;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.p2psip.common.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener of {@code --view}: a JDK {@link HttpServer} on the given address (loopback by
 * default) with the {@link PeerView} mounted, and the threads it needs (one per open event stream, a
 * bounded pool). {@link #close()} stops the view, the listener and its threads.
 */
public final class ViewListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewListener.class);
    private final HttpServer server;
    private final ExecutorService threads;
    private final PeerView view;

    private ViewListener(HttpServer server, ExecutorService threads, PeerView view) {
        this.server = server;
        this.threads = threads;
        this.view = view;
    }

    public static ViewListener start(HostPort at, Supplier<Map<String, Object>> state, CallLadders ladders,
                                     Consumer<Boolean> portWatch) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(at.host(), at.port()), 16);
        } catch (IOException e) {
            throw new IOException("--view " + at + ": cannot listen there: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(PeerView.MAX_STREAMS + 4, PeerView.MAX_STREAMS + 4, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
                    Thread t = new Thread(r, "peer-view-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        threads.allowCoreThreadTimeOut(true);
        server.setExecutor(threads);
        PeerView view = PeerView.mount(server, state, ladders, portWatch);
        server.start();
        ViewListener l = new ViewListener(server, threads, view);
        log.info("web view at {}", l.url());
        return l;
    }

    public PeerView view() {
        return view;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/view/}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + HostPort.of(a).toString() + PeerView.PATH + "/";
    }

    @Override
    public void close() {
        view.close();
        server.stop(0);
        threads.shutdownNow();
    }
}
