package org.p2psip.phone;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone's media: an RTP socket on an even port and an RTCP socket on the next (odd) port, a receiver
 * thread that parses and counts everything that arrives on either (from any source: symmetric RTP,
 * friendly to relays that latch onto the sender's address), and a sender thread that sends a 440 Hz
 * PCMU tone in 20 ms packets from the RTP socket to the remote address of the SDP.
 *
 * <p>When the other side's SDP announced {@link AbsSendTime} the packets carry it (header extension,
 * the sender's wall clock at sending); received packets that carry it give one-way delay samples
 * (receiver's wall clock minus send time, meaningful when both share a clock).
 *
 * <p>Threads are daemons owned by this object; {@link #close()} stops them and closes the sockets.
 */
public final class RtpSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtpSession.class);

    /** Payload type of PCMU (RFC 3551). */
    public static final int PT_PCMU = 0;
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_DATAGRAM = 2048;

    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final Selector selector;
    private final Thread receiver;
    private final RtpReceiveStats stats = new RtpReceiveStats(Tone.SAMPLE_RATE);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rtcpReceived = new AtomicLong();
    private final InetSocketAddress rtpLocal;
    private final int rtcpPort;
    private volatile SocketAddress lastSource;
    private volatile int absSendTimeId = AbsSendTime.DEFAULT_ID;
    private volatile boolean closed;
    /** While set, no RTP goes out (the packets' sequence and timestamps run on, as with silence suppression). */
    private volatile boolean muted;
    private Thread sender;

    private RtpSession(DatagramChannel rtp, DatagramChannel rtcp) throws IOException {
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.rtpLocal = (InetSocketAddress) rtp.getLocalAddress();
        this.rtcpPort = ((InetSocketAddress) rtcp.getLocalAddress()).getPort();
        this.selector = Selector.open();
        rtp.configureBlocking(false).register(selector, SelectionKey.OP_READ, Boolean.TRUE);
        rtcp.configureBlocking(false).register(selector, SelectionKey.OP_READ, Boolean.FALSE);
        this.receiver = new Thread(this::receiveLoop, "rtp-recv-" + rtpPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Binds an even RTP port chosen by the OS and the odd RTCP port after it on {@code address}, and starts
     * receiving.
     */
    public static RtpSession open(InetAddress address) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 64; attempt++) {
            DatagramChannel a = DatagramChannel.open();
            try {
                a.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
                a.bind(new InetSocketAddress(address, 0));
                int port = ((InetSocketAddress) a.getLocalAddress()).getPort();
                if (port % 2 != 0 || port >= 65535) {
                    a.close();
                    continue;
                }
                DatagramChannel b = DatagramChannel.open();
                try {
                    b.bind(new InetSocketAddress(address, port + 1));
                } catch (IOException e) {
                    b.close();
                    a.close();
                    last = e;
                    continue;
                }
                return new RtpSession(a, b);
            } catch (IOException e) {
                a.close();
                last = e;
            }
        }
        throw new IOException("no free even/odd UDP port pair on " + address.getHostAddress()
                + (last == null ? "" : ": " + last.getMessage()));
    }

    public InetAddress localAddress() {
        return rtpLocal.getAddress();
    }

    /** The RTP port (even); the SDP advertises it. */
    public int rtpPort() {
        return rtpLocal.getPort();
    }

    /** The RTCP port (RTP port + 1). */
    public int rtcpPort() {
        return rtcpPort;
    }

    /**
     * Starts sending the tone to {@code remote} (the address and port of the remote SDP), without header
     * extension. Once only.
     */
    public void startSending(InetSocketAddress remote) {
        startSending(remote, null);
    }

    /**
     * Starts sending the tone to {@code remote}; with {@code absSendTimeId} not null every packet carries
     * {@link AbsSendTime} under that extension id, which is then also the id read from received packets
     * (until then {@link AbsSendTime#DEFAULT_ID}). Once only.
     */
    public synchronized void startSending(InetSocketAddress remote, Integer absSendTimeId) {
        if (absSendTimeId != null) {
            this.absSendTimeId = AbsSendTime.checkId(absSendTimeId);
        }
        if (closed) {
            throw new IllegalStateException("RTP session closed");
        }
        if (sender != null) {
            throw new IllegalStateException("already sending");
        }
        Integer extensionId = absSendTimeId;
        sender = new Thread(() -> sendLoop(remote, extensionId), "rtp-send-" + rtpPort());
        sender.setDaemon(true);
        sender.start();
        log.debug("RTP {} -> {}", rtpPort(), remote);
    }

    /** Stops sending (receiving goes on until {@link #close()}). */
    public void stopSending() {
        Thread s;
        synchronized (this) {
            s = sender;
        }
        if (s != null) {
            s.interrupt();
            join(s);
        }
    }

    /** Stops ({@code true}) or resumes sending RTP; receiving goes on. */
    public void mute(boolean on) {
        muted = on;
    }

    /** A snapshot of what was sent and received so far. */
    public MediaStats stats() {
        SocketAddress src = lastSource;
        return new MediaStats(sent.get(), stats.packets(), stats.invalidPackets(), stats.expected(), stats.lost(),
                stats.jitterMillis(), rtcpReceived.get(), src == null ? "-" : format(src), stats.delayMeanMillis(),
                stats.delayP95Millis(), stats.delaySamples(), stats.maxGapMillis());
    }

    /**
     * What was received since the last call (or since the start), and starts the next interval.
     *
     * @param endMillis the end of the interval in milliseconds since reporting started, for the line
     */
    public MediaInterval takeInterval(long endMillis) {
        return stats.takeInterval(endMillis);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopSending();
        selector.wakeup();
        join(receiver);
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing selector: {}", e.toString());
        }
        for (DatagramChannel c : new DatagramChannel[] {rtp, rtcp}) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("closing RTP socket: {}", e.toString());
            }
        }
    }

    private void sendLoop(InetSocketAddress remote, Integer extensionId) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long ssrc = rnd.nextLong(1L << 32);
        int seq = rnd.nextInt(1 << 16);
        long timestamp = rnd.nextLong(1L << 32);
        Tone tone = new Tone(440);
        int header = RtpPacket.HEADER_LENGTH + (extensionId == null ? 0 : AbsSendTime.BLOCK_LENGTH);
        byte[] packet = new byte[header + Tone.FRAME_SAMPLES];
        ByteBuffer buf = ByteBuffer.wrap(packet);
        boolean first = true;
        long next = System.nanoTime();
        while (!closed && !Thread.currentThread().isInterrupted()) {
            RtpPacket.writeHeader(packet, first, PT_PCMU, seq, timestamp, ssrc, extensionId != null);
            tone.nextFrame(packet, header);
            try {
                buf.clear();
                if (extensionId != null) {
                    AbsSendTime.writeBlock(packet, RtpPacket.HEADER_LENGTH, extensionId,
                            AbsSendTime.fromMicros(wallClockMicros()));
                }
                if (!muted && rtp.send(buf, remote) > 0) {
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                log.debug("RTP send to {} failed: {}", remote, e.toString());
            }
            first = false;
            seq = (seq + 1) & 0xFFFF;
            timestamp = (timestamp + Tone.FRAME_SAMPLES) & 0xFFFFFFFFL;
            next += FRAME_NANOS;
            long now = System.nanoTime();
            if (now - next > 10 * FRAME_NANOS) {
                // Stalled (loaded machine): skip the missed frames instead of sending a burst; the
                // timestamp keeps following the clock, the sequence number does not jump (nothing lost).
                long missed = (now - next) / FRAME_NANOS;
                timestamp = (timestamp + missed * Tone.FRAME_SAMPLES) & 0xFFFFFFFFL;
                next += missed * FRAME_NANOS;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            try {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    boolean isRtp = (Boolean) key.attachment();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    SocketAddress from;
                    while ((from = receive(ch, buf)) != null) {
                        long arrival = System.nanoTime();
                        if (isRtp) {
                            onRtp(buf, from, arrival, wallClockMicros());
                        } else {
                            rtcpReceived.incrementAndGet();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("RTP receiver on port {}: {}", rtpPort(), e.toString());
                }
                if (e instanceof java.nio.channels.ClosedSelectorException) {
                    return;
                }
            }
        }
    }

    private static SocketAddress receive(DatagramChannel ch, ByteBuffer buf) throws IOException {
        buf.clear();
        SocketAddress from = ch.receive(buf);
        buf.flip();
        return from;
    }

    private void onRtp(ByteBuffer buf, SocketAddress from, long arrival, long arrivalWallMicros) {
        RtpPacket p = RtpPacket.parse(buf.array(), buf.limit(), absSendTimeId);
        if (p == null) {
            stats.invalid();
            return;
        }
        if (!from.equals(lastSource)) {
            log.debug("RTP on port {} from {}", rtpPort(), from);
            lastSource = from;
        }
        double delay = p.absSendTime() < 0 ? Double.NaN : AbsSendTime.delayMillis(p.absSendTime(), arrivalWallMicros);
        stats.received(p, arrival, delay);
    }

    /** The wall clock in microseconds since the epoch (what abs-send-time carries, modulo 64 s). */
    static long wallClockMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return a.toString();
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
