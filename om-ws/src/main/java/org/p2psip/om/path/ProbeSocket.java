package org.p2psip.om.path;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Overlay Manager's UDP path-probe socket, bound on the host and port number of its OM IF
 * endpoint, with one reader thread. Three roles:
 * <ul>
 *   <li><b>sender</b>: {@link #send} a probe (directly, or via a relay) and get its round-trip time
 *       when the echo comes back;</li>
 *   <li><b>responder</b>: a probe without via is echoed to its sender;</li>
 *   <li><b>reflector</b>: a probe "via B" from A is forwarded to B (with A as its origin), and B's
 *       echo returned to A, so A measures A -> C -> B -> C -> A, the path media through a relay
 *       RTP-Port on this peer would take (paper Sec. 5.2).</li>
 * </ul>
 * Reflecting is kept safe: only well-formed probes (at most one via hop), an echo is returned only
 * to an origin that sent this socket a probe via that very echo's sender within
 * {@value #ORIGIN_WINDOW_MS} ms (at most {@value #MAX_ORIGINS} remembered), and forwards, returns
 * and echoes are each rate limited by a token bucket. Probes are not authenticated: a third party
 * can make this OM send one probe-sized packet to an address it names, at a bounded rate and never
 * more bytes than it sent; authentication comes with the trust question (peers' identities), which
 * the OM IF does not settle either.
 */
public final class ProbeSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeSocket.class);
    static final int MAX_PENDING = 4096;
    static final int MAX_ORIGINS = 1024;
    static final long ORIGIN_WINDOW_MS = 5000;
    private static final long BAD_LOG_EVERY_NANOS = 10_000_000_000L;

    /** Rates of the responder and reflector roles (packets per second and burst). */
    public record Limits(double echoesPerSecond, int echoBurst, double forwardsPerSecond, int forwardBurst) {
        public static final Limits DEFAULT = new Limits(2000, 400, 500, 100);
    }

    /** What the socket did, for status and tests. */
    public record Counters(long echoed, long forwarded, long returned, long refused, long rateLimited, long malformed) {
    }

    private record Pending(InetSocketAddress firstHop, CompletableFuture<Long> rtt) {
    }

    private record OriginKey(InetSocketAddress origin, InetSocketAddress via) {
    }

    private final DatagramSocket socket;
    private final boolean answering;
    private final TokenBucket echoes;
    private final TokenBucket forwards;
    private final TokenBucket returns;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<OriginKey, Long> origins = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<OriginKey, Long> eldest) {
            return size() > MAX_ORIGINS;
        }
    };
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong returned = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile long lastBadLog = System.nanoTime() - BAD_LOG_EVERY_NANOS;
    private final Thread reader;

    private ProbeSocket(DatagramSocket socket, boolean answering, Limits limits) {
        this.socket = socket;
        this.answering = answering;
        this.echoes = new TokenBucket(limits.echoesPerSecond(), limits.echoBurst());
        this.forwards = new TokenBucket(limits.forwardsPerSecond(), limits.forwardBurst());
        this.returns = new TokenBucket(limits.forwardsPerSecond(), limits.forwardBurst());
        this.reader = new Thread(this::readLoop, "om-probe-reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Binds {@code at} (the OM IF endpoint's host and port number). If that UDP port cannot be
     * bound, logs a warning and binds any free port on the host instead: this OM then still measures
     * its own paths but answers no probes (nobody could find it).
     */
    public static ProbeSocket open(InetSocketAddress at, Limits limits) throws SocketException {
        try {
            return new ProbeSocket(new DatagramSocket(at), true, limits);
        } catch (SocketException e) {
            log.warn("path probes: UDP {} cannot be bound ({}): this OM answers no path probes and measures from a free port",
                    at, e.getMessage());
            return new ProbeSocket(new DatagramSocket(new InetSocketAddress(at.getAddress(), 0)), false, limits);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Whether this socket answers other OMs' probes (it got the OM IF port number). */
    public boolean answering() {
        return answering;
    }

    /**
     * Sends one probe to {@code target}, or with {@code relay} non-null to {@code relay} "via
     * {@code target}". The future completes with the round-trip time in nanoseconds when the echo
     * arrives; it never completes if none does: the caller {@link #forget}s its sequence number.
     */
    public Sent send(InetSocketAddress target, InetSocketAddress relay) {
        long seq = sequence.incrementAndGet();
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (pending.size() >= MAX_PENDING) {
            return new Sent(seq, f); // counted as lost; the bound protects the map from a flood of sends
        }
        InetSocketAddress firstHop = relay != null ? relay : target;
        pending.put(seq, new Pending(firstHop, f));
        ProbePacket p = ProbePacket.probe(seq, System.nanoTime(), relay != null ? target : null);
        if (!transmit(p, firstHop)) {
            pending.remove(seq);
        }
        return new Sent(seq, f);
    }

    /** One probe sent: its sequence number and its round-trip time to come. */
    public record Sent(long sequence, CompletableFuture<Long> rttNanos) {
    }

    /** Stops waiting for the echo of probe {@code sequence}. */
    public void forget(long sequence) {
        pending.remove(sequence);
    }

    public Counters counters() {
        return new Counters(echoed.get(), forwarded.get(), returned.get(), refused.get(), rateLimited.get(), malformed.get());
    }

    private boolean transmit(ProbePacket p, InetSocketAddress to) {
        byte[] b = p.encode();
        try {
            socket.send(new DatagramPacket(b, b.length, to));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            log.debug("path probe to {} not sent: {}", to, e.getMessage());
            return false;
        }
    }

    private void readLoop() {
        byte[] buf = new byte[ProbePacket.MAX_LENGTH + 1];
        DatagramPacket d = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                d.setLength(buf.length);
                socket.receive(d);
                InetSocketAddress from = (InetSocketAddress) d.getSocketAddress();
                ProbePacket p;
                try {
                    p = ProbePacket.decode(buf, d.getLength());
                } catch (ProbePacket.Malformed e) {
                    bad(from, e.getMessage());
                    continue;
                }
                handle(p, from);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    log.warn("path probe socket {}: {}", socket.getLocalSocketAddress(), e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("path probe socket {}: packet dropped: {}", socket.getLocalSocketAddress(), e.toString());
            }
        }
    }

    private void bad(InetSocketAddress from, String reason) {
        long n = malformed.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastBadLog >= BAD_LOG_EVERY_NANOS) {
            lastBadLog = now;
            log.info("path probes: ignored a bad packet from {}: {} ({} so far)", from, reason, n);
        } else {
            log.debug("path probes: ignored a bad packet from {}: {}", from, reason);
        }
    }

    private void handle(ProbePacket p, InetSocketAddress from) {
        if (p.type() == ProbePacket.Type.PROBE) {
            if (!answering) {
                return;
            }
            if (p.via() == null) {
                respond(p, from);
            } else {
                forward(p, from);
            }
        } else if (p.origin() != null) {
            returnToOrigin(p, from);
        } else {
            Pending w = pending.get(p.sequence());
            if (w == null || !w.firstHop().equals(from)) {
                log.debug("path probes: echo {} from {} answers no probe of ours", p.sequence(), from);
                return;
            }
            pending.remove(p.sequence());
            w.rtt().complete(Math.max(0, System.nanoTime() - p.timestamp()));
        }
    }

    /** Responder: echo to the sender (a forwarded probe's echo keeps its origin, for the relay). */
    private void respond(ProbePacket p, InetSocketAddress from) {
        if (!echoes.tryTake()) {
            rateLimited.incrementAndGet();
            return;
        }
        if (transmit(p.echo(), from)) {
            echoed.incrementAndGet();
        }
    }

    /** Reflector, first half: A asked for a probe via B: forward it to B with A as its origin. */
    private void forward(ProbePacket p, InetSocketAddress from) {
        InetSocketAddress to = p.via();
        if (to.equals(from) || to.equals(localAddress())) {
            bad(from, "via " + to + " is the sender or this relay itself");
            return;
        }
        if (!forwards.tryTake()) {
            rateLimited.incrementAndGet();
            return;
        }
        synchronized (origins) {
            origins.put(new OriginKey(from, to), System.nanoTime());
        }
        if (transmit(p.forwardedFrom(from), to)) {
            forwarded.incrementAndGet();
        }
    }

    /** Reflector, second half: B's echo goes back to A, if A asked for a probe via B a moment ago. */
    private void returnToOrigin(ProbePacket p, InetSocketAddress from) {
        InetSocketAddress origin = p.origin();
        Long asked;
        synchronized (origins) {
            asked = origins.get(new OriginKey(origin, from));
        }
        if (asked == null || System.nanoTime() - asked > ORIGIN_WINDOW_MS * 1_000_000L) {
            refused.incrementAndGet();
            log.debug("path probes: echo from {} for origin {} refused: no probe via {} from {} in the last {} ms",
                    from, origin, from, origin, ORIGIN_WINDOW_MS);
            return;
        }
        if (!returns.tryTake()) {
            rateLimited.incrementAndGet();
            return;
        }
        if (transmit(p.returned(), origin)) {
            returned.incrementAndGet();
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.clear();
    }
}
