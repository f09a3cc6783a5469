package org.p2psip.tcprelay;

import static org.p2psip.tcprelay.RelaySockets.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections the relay makes on a client's behalf ({@code DIAL <host>:<port>}, RFC 6062's
 * {@code Connect} simplified): the target must be accepted by the relay's dial predicate (never the
 * relay port itself), at most {@code maxDials} are connecting or spliced at once; the relay connects
 * within the dial timeout, answers {@code OK <host>:<port>} and splices the client with the target,
 * or answers {@code ERR <reason>} and closes.
 */
final class OutboundConnections {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundConnections.class);

    private final Lifecycle lifecycle;
    private final Predicate<InetSocketAddress> allowed;
    private final int maxDials;
    private final Duration dialTimeout;
    private final String advertisedHost;
    private final int relayPort;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong spliced = new AtomicLong();
    private final AtomicLong notAllowed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong limitReached = new AtomicLong();
    private final LongAdder bytesClientToTarget = new LongAdder();
    private final LongAdder bytesTargetToClient = new LongAdder();

    /**
     * @param allowed        the targets this relay may dial
     * @param advertisedHost the relay's own host, with {@code relayPort}: never dialled (no loops)
     */
    OutboundConnections(Lifecycle lifecycle, TcpRelay.Limits limits, Predicate<InetSocketAddress> allowed,
            String advertisedHost, int relayPort) {
        this.lifecycle = lifecycle;
        this.allowed = allowed;
        this.maxDials = limits.maxDials();
        this.dialTimeout = limits.dialTimeout();
        this.advertisedHost = advertisedHost;
        this.relayPort = relayPort;
    }

    /**
     * Serves a connection whose first line was {@code DIAL ...}: checks the target and the limit
     * (while the caller still holds its first-line permit), then runs {@code releaseHandshake},
     * connects, answers and starts the splice.
     */
    void dial(Socket client, InputStream clientIn, String[] words, Runnable releaseHandshake) {
        InetSocketAddress target;
        try {
            target = parseTarget(words);
        } catch (ProtocolException e) {
            RelaySockets.reject(lifecycle, client, e.getMessage());
            return;
        }
        requested.incrementAndGet();
        String shown = RelayProtocol.format(target);
        if (isRelayPort(target) || !isAllowed(target)) {
            notAllowed.incrementAndGet();
            RelaySockets.reject(lifecycle, client, "target not allowed: " + shown);
            return;
        }
        if (!reserve()) {
            limitReached.incrementAndGet();
            RelaySockets.reject(lifecycle, client, "dial limit reached");
            return;
        }
        releaseHandshake.run();
        connect(client, clientIn, target, shown);
    }

    /**
     * Connects to the target and splices (the dial slot is freed when the splice ends), or frees
     * the dial slot and answers {@code ERR}.
     */
    private void connect(Socket client, InputStream clientIn, InetSocketAddress target, String shown) {
        Socket out = new Socket();
        if (!lifecycle.adopt(out)) {
            active.decrementAndGet();
            lifecycle.release(client);
            return;
        }
        InputStream outIn;
        try {
            out.setTcpNoDelay(true);
            InetSocketAddress resolved = target.isUnresolved()
                    ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
            if (resolved.isUnresolved()) {
                throw new UnknownHostException(target.getHostString());
            }
            if (resolved != target && isRelayPort(resolved)) {
                lifecycle.release(out);
                active.decrementAndGet();
                notAllowed.incrementAndGet();
                RelaySockets.reject(lifecycle, client, "target not allowed: " + shown);
                return;
            }
            out.connect(resolved, RelaySockets.millis(dialTimeout));
            outIn = out.getInputStream();
        } catch (IOException e) {
            lifecycle.release(out);
            active.decrementAndGet();
            failed.incrementAndGet();
            if (!lifecycle.isClosed()) {
                RelaySockets.reject(lifecycle, client, "cannot reach " + shown + ": " + reason(e));
            } else {
                lifecycle.release(client);
            }
            return;
        }
        try {
            client.setSoTimeout(0);
            RelayProtocol.send(client.getOutputStream(), RelayProtocol.OK + " " + shown);
        } catch (IOException e) {
            LOG.debug("dial from {} to {}: {}", remote(client), shown, e.toString());
            lifecycle.release(out);
            lifecycle.release(client);
            active.decrementAndGet();
            return;
        }
        spliced.incrementAndGet();
        long n = counter.incrementAndGet();
        LOG.debug("TCP relay: dial {} from {} to {} spliced", n, remote(client), shown);
        Splice.start(lifecycle, "dial-" + n, client, clientIn, out, outIn, bytesClientToTarget, bytesTargetToClient,
                () -> {
                    active.decrementAndGet();
                    LOG.debug("TCP relay: dial {} to {} closed", n, shown);
                });
    }

    /** {@code DIAL <host>:<port>}, port 1-65535. */
    private static InetSocketAddress parseTarget(String[] words) throws ProtocolException {
        if (words.length != 2) {
            throw new ProtocolException("bad target");
        }
        InetSocketAddress target;
        try {
            target = RelayProtocol.parseAddress(words[1]);
        } catch (ProtocolException e) {
            throw new ProtocolException("bad target");
        }
        if (target.getPort() == 0) {
            throw new ProtocolException("bad target");
        }
        return target;
    }

    private boolean isAllowed(InetSocketAddress target) {
        try {
            return allowed.test(target);
        } catch (RuntimeException e) {
            LOG.warn("TCP relay: dial predicate failed for {}, refusing: {}", RelayProtocol.format(target), e.toString());
            return false;
        }
    }

    /** The relay's own port on one of its addresses: dialling it would chain dials through this relay. */
    private boolean isRelayPort(InetSocketAddress target) {
        if (target.getPort() != relayPort) {
            return false;
        }
        if (target.getHostString().equalsIgnoreCase(advertisedHost)) {
            return true;
        }
        InetAddress address = target.getAddress();
        if (address == null) {
            return false;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private boolean reserve() {
        while (true) {
            int n = active.get();
            if (n >= maxDials) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** A short, printable reason for a failed connect. */
    private static String reason(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("[^\\x20-\\x7e]", "?");
    }

    DialStats stats() {
        return new DialStats(requested.get(), spliced.get(), notAllowed.get(), failed.get(), limitReached.get(),
                active.get(), bytesClientToTarget.sum(), bytesTargetToClient.sum());
    }
}
