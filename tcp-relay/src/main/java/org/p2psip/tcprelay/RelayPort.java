package org.p2psip.tcprelay;

import static org.p2psip.tcprelay.RelaySockets.remote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.common.AcceptBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay port: accepts control and data connections, reads each one's first line within the
 * bind timeout and hands it on: {@code LISTEN} to {@link Allocations}, {@code BIND} to
 * {@link InboundConnections}, {@code DIAL} to {@link OutboundConnections}; anything else is an {@code ERR}. At most {@value #MAX_HANDSHAKES}
 * connections may be in their first line at once; more are refused with {@code ERR busy}. The whole
 * first line must arrive within the timeout however slowly its bytes come; accept survives running
 * out of file descriptors (back-off, retry).
 */
final class RelayPort {

    private static final Logger LOG = LoggerFactory.getLogger(RelayPort.class);

    /** Connections still in their first line at the same time; more are refused with {@code ERR busy}. */
    static final int MAX_HANDSHAKES = 128;

    private final ServerSocket server;
    private final InetSocketAddress address;
    private final Lifecycle lifecycle;
    private final Duration firstLineTimeout;
    private final Allocations allocations;
    private final InboundConnections inbound;
    private final OutboundConnections outbound;
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final AtomicLong connectionCounter = new AtomicLong();
    private final ScheduledExecutorService timer;
    /** Mutual TLS before the first line (a secured overlay); null: plain TCP. */
    private final RelaySecurity security;

    RelayPort(ServerSocket server, InetSocketAddress address, Lifecycle lifecycle, Duration firstLineTimeout, Allocations allocations,
            InboundConnections inbound, OutboundConnections outbound, ScheduledExecutorService timer, RelaySecurity security) {
        this.timer = timer;
        this.security = security;
        this.server = server;
        this.address = address;
        this.lifecycle = lifecycle;
        this.firstLineTimeout = firstLineTimeout;
        this.allocations = allocations;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /** Accepts until the relay closes; runs on the relay's accept thread. */
    void acceptLoop() {
        RelayClasses.preload(); // before file descriptors may run out (see RelayClasses)
        AcceptBackoff backoff = new AcceptBackoff();
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
                backoff.succeeded();
            } catch (IOException e) {
                if (lifecycle.isClosed()) {
                    return;
                }
                // e.g. "Too many open files": keep the relay port, accept again once descriptors are free
                if (backoff.failures() % 100 == 0) {
                    LOG.warn("TCP relay {}: accept failed ({} so far): {}; retrying in {} ms", address, backoff.failures() + 1,
                            e.toString(), backoff.nextPause().toMillis());
                }
                if (!backoff.pause()) {
                    return;
                }
                continue;
            }
            if (!lifecycle.adopt(socket)) {
                return;
            }
            if (!handshakes.tryAcquire()) {
                LOG.info("TCP relay: too many connections in their first line, refusing {}", remote(socket));
                if (security == null) { // secured, a line would need a TLS handshake on this thread: just close
                    try {
                        RelayProtocol.send(socket.getOutputStream(), RelayProtocol.ERR + " busy");
                    } catch (IOException e) {
                        LOG.debug("refusing {}: {}", remote(socket), e.toString());
                    }
                }
                lifecycle.release(socket);
                continue;
            }
            try {
                lifecycle.start("conn-" + connectionCounter.incrementAndGet(), () -> handshake(socket));
            } catch (RejectedExecutionException e) {
                handshakes.release();
                lifecycle.release(socket);
                return;
            }
        }
    }

    /** Closes {@code socket} unless its first line is read within the timeout; null if the relay is closing. */
    private ScheduledFuture<?> firstLineDeadline(Socket socket) {
        try {
            return timer.schedule(() -> {
                LOG.debug("{}: no whole first line within {}, closing", remote(socket), firstLineTimeout);
                lifecycle.release(socket);
            }, RelaySockets.millis(firstLineTimeout), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Reads the first line of a new connection and serves it as a control or data connection. */
    private void handshake(Socket socket) {
        boolean[] permit = {true};
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(RelaySockets.millis(firstLineTimeout));
            String nodeId = null;
            InputStream in;
            LineReader reader;
            String line;
            // the TLS handshake and the whole first line within the timeout, however slowly their bytes
            // come (the socket timeout is per read)
            ScheduledFuture<?> deadline = firstLineDeadline(socket);
            try {
                if (security != null) {
                    try {
                        nodeId = security.handshake(socket);
                    } catch (IOException e) {
                        if (!lifecycle.isClosed()) {
                            LOG.info("TCP relay: refused {}: TLS handshake failed (a certificate of this overlay's CA naming"
                                    + " a node is required): {}", remote(socket), RelaySecurity.reason(e));
                        }
                        lifecycle.release(socket);
                        return;
                    }
                }
                in = new BufferedInputStream(socket.getInputStream());
                reader = new LineReader(in);
                line = reader.readLine();
            } finally {
                if (deadline != null) {
                    deadline.cancel(false);
                }
            }
            if (line == null) {
                lifecycle.release(socket);
                return;
            }
            String[] words = line.split(" ", -1);
            if (words[0].equals(RelayProtocol.LISTEN)) {
                handshakes.release();
                permit[0] = false;
                allocations.serve(socket, reader, words, nodeId);
            } else if (words[0].equals(RelayProtocol.BIND)) {
                inbound.bind(socket, in, words, nodeId);
            } else if (words[0].equals(RelayProtocol.DIAL)) {
                if (nodeId != null) {
                    LOG.debug("TCP relay: {} from node {} at {}", line, RelaySecurity.shortId(nodeId), remote(socket));
                }
                // the permit is given back once the target is accepted, before the (bounded) connect
                outbound.dial(socket, in, words, () -> {
                    handshakes.release();
                    permit[0] = false;
                });
            } else {
                RelaySockets.reject(lifecycle, socket, "unknown command");
            }
        } catch (ProtocolException e) {
            RelaySockets.reject(lifecycle, socket, e.getMessage());
        } catch (SocketTimeoutException e) {
            LOG.debug("{}: no first line within {}, closing", remote(socket), firstLineTimeout);
            lifecycle.release(socket);
        } catch (IOException e) {
            LOG.debug("{}: {}", remote(socket), e.toString());
            lifecycle.release(socket);
        } finally {
            if (permit[0]) {
                handshakes.release();
            }
        }
    }
}
