package org.p2psip.rtp;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.RtpLegFailed;
import org.p2psip.control.message.RtpSessionReleased;
import org.p2psip.control.CloseOnce;
import org.p2psip.control.ControlServer;
import org.p2psip.control.SatoPortProcessMain;
import org.p2psip.rtp.control.RtpControlHandler;
import org.p2psip.rtp.relay.RelayEngine;
import org.p2psip.rtp.relay.RelayListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.p2psip.rtp.config.RtpPortConfig;

/**
 * The RTP-Port SATO-Port (paper Sec. 5.1.2): a media packet relay driven only over its control
 * socket. Runs as its own process ({@link RtpPortMain}) or inside another JVM (the Overlay
 * Manager's): {@code new RtpPort(config).start()}, then {@link #close()}. Either way the OM talks
 * to it through the Unix-domain socket {@link RtpPortConfig#controlSocket()}.
 */
public final class RtpPort implements Closeable, SatoPortProcessMain.Port {
    private static final Logger log = LoggerFactory.getLogger(RtpPort.class);
    public static final String ROLE = "rtp-port";

    private final RtpPortConfig config;
    private final CloseOnce closing = new CloseOnce(this);
    private RelayEngine engine;
    private volatile ControlServer server;
    private ExecutorService events;
    private boolean started;

    public RtpPort(RtpPortConfig config) {
        if (config.controlSocket() == null) {
            throw new IllegalArgumentException("an RTP-Port needs a control socket path");
        }
        this.config = config;
    }

    /** Opens the relay and starts listening on the control socket. */
    public synchronized RtpPort start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rtp-port-events-" + config.name());
            t.setDaemon(true);
            return t;
        });
        engine = new RelayEngine(config, new Events());
        engine.start();
        try {
            server = ControlServer.listen(config.controlSocket(), ROLE, config.name(),
                    new RtpControlHandler(engine, config.bindAddress(), config.advertisedAddress(), config.name(), this::close));
        } catch (IOException | RuntimeException e) {
            engine.close();
            events.shutdownNow();
            closing.release();
            throw e;
        }
        log.info("RTP-Port {} ready: control socket {}, media on {} ports {}-{}", config.name(), config.controlSocket(),
                config.bindAddress().getHostAddress(), config.portLow(), config.portHigh());
        return this;
    }

    public RtpPortConfig config() {
        return config;
    }

    /** The relay (for tests and the benchmark; the OM uses the control socket). */
    public RelayEngine engine() {
        return engine;
    }

    /** Stops listening (the socket file is removed), closes every session's sockets and stops every thread. Idempotent. */
    @Override
    public void close() {
        closing.close(this::stop);
    }

    private void stop() {
        try {
            if (server != null) {
                server.close();
            }
            if (engine != null) {
                engine.close();
            }
            if (events != null) {
                events.shutdown();
                events.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("RTP-Port {} stopped", config.name());
    }

    /** Waits until the port is closed (by {@link #close()} or a port.shutdown request). */
    @Override
    public void awaitClosed() throws InterruptedException {
        closing.await();
    }

    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closing.await(timeout);
    }

    /** Turns relay notifications into control events on every open control connection, off the worker thread. */
    private final class Events implements RelayListener {
        @Override
        public void legFailed(String session, String leg, String reason) {
            send(new RtpLegFailed(session, leg, reason).toMessage());
        }

        @Override
        public void sessionReleased(String session, String reason) {
            send(new RtpSessionReleased(session, reason).toMessage());
        }

        private void send(ControlMessage event) {
            try {
                events.execute(() -> {
                    ControlServer s = server;
                    if (s != null) {
                        s.broadcast(event);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("event not sent, port closing: {}", event);
            }
        }
    }
}
