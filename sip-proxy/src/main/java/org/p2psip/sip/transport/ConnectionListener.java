package org.p2psip.sip.transport;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listening point of the P2PSIP-Port (UA side or overlay side): accepts connections and gives
 * each a {@link ConnectionChannel} (the RI's reader thread per connection). Replaces the RI's accept
 * loop, which stops accepting for good on the first error it does not expect; this one pauses (e.g. out
 * of file descriptors: {@link org.p2psip.common.AcceptBackoff}, 10 ms doubling to 1 s) and goes on,
 * logging the first failure in a row and every 100th.
 */
final class ConnectionListener extends TCPMessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(ConnectionListener.class);

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Map<InetAddress, Integer> perSource = new java.util.HashMap<>();
    private final int maxConnections;
    private final int maxPerSource;
    private long lastRefusalLog;

    ConnectionListener(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
        java.util.Properties p = stack instanceof gov.nist.javax.sip.SipStackImpl s ? s.getConfigurationProperties()
                : new java.util.Properties();
        maxConnections = Integer.parseInt(p.getProperty(SipListenerBounds.MAX_CONNECTIONS,
                Integer.toString(SipListenerBounds.DEFAULT_MAX_CONNECTIONS)));
        maxPerSource = Integer.parseInt(p.getProperty(SipListenerBounds.MAX_CONNECTIONS_PER_SOURCE,
                Integer.toString(SipListenerBounds.DEFAULT_MAX_CONNECTIONS_PER_SOURCE)));
        preload();
    }

    /**
     * The classes an accepted connection needs, loaded now: the JVM loads a class when it is first
     * used, reading its file, and remembers a failure for good; a first TCP client arriving while the
     * process is out of file descriptors would otherwise leave this listener unable to serve any
     * connection again (NoClassDefFoundError).
     */
    private static void preload() {
        for (String name : PER_CONNECTION_CLASSES) {
            try {
                Class.forName(name, true, ConnectionListener.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                log.debug("cannot load {} up front: {}", name, e.toString());
            }
        }
    }

    private static final String[] PER_CONNECTION_CLASSES = {
        "org.p2psip.sip.transport.ConnectionChannel",
        "org.p2psip.sip.transport.MessageDeadlineSocket",
        "org.p2psip.sip.transport.MessageDeadlineSocket$Framing",
        "org.p2psip.sip.transport.MessageDeadlineSocket$Timed",
        "org.p2psip.sip.transport.WriteWatchdog",
        "gov.nist.javax.sip.stack.TCPMessageChannel",
        "gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel",
        "gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel$1",
        "gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel$KeepAliveTimeoutTimerTask",
        "gov.nist.javax.sip.parser.Pipeline",
        "gov.nist.javax.sip.parser.Pipeline$Buffer",
        "gov.nist.javax.sip.parser.Pipeline$MyTimer",
        "gov.nist.javax.sip.parser.PipelinedMsgParser",
        "gov.nist.javax.sip.parser.PipelinedMsgParser$Dispatch",
        "gov.nist.javax.sip.parser.PipelinedMsgParser$CallIDOrderingStructure",
    };

    @Override
    public void run() {
        org.p2psip.common.AcceptBackoff backoff = new org.p2psip.common.AcceptBackoff();
        long inARow = 0;
        while (isRunning) {
            Socket s;
            try {
                s = sock.accept();
                backoff.succeeded();
                inARow = 0;
            } catch (IOException | LinkageError e) {
                if (!isRunning) {
                    return;
                }
                if (inARow++ % 100 == 0) {
                    log.warn("SIP TCP listener {}:{}: accept failed ({}; {} in a row); going on, retrying in {} ms",
                            getIpAddress().getHostAddress(), getPort(), e.getMessage(), inARow, backoff.nextPause().toMillis());
                }
                if (!backoff.pause()) {
                    return;
                }
                continue;
            }
            admit(s);
        }
    }

    private void admit(Socket s) {
        InetAddress from = s.getInetAddress();
        synchronized (perSource) {
            int mine = perSource.getOrDefault(from, 0);
            if (open.get() >= maxConnections || mine >= maxPerSource) {
                // load shed: closed at once, before the stack gives it a thread
                refused.incrementAndGet();
                long now = System.currentTimeMillis();
                if (now - lastRefusalLog > 10_000) {
                    lastRefusalLog = now;
                    log.warn("SIP TCP listener {}:{}: connection from {} closed: {} open (at most {}), {} from that address"
                            + " (at most {}); {} refused so far", getIpAddress().getHostAddress(), getPort(), from.getHostAddress(),
                            open.get(), maxConnections, mine, maxPerSource, refused.get());
                }
                closeQuietly(s);
                return;
            }
            perSource.put(from, mine + 1);
            open.incrementAndGet();
        }
        try {
            ConnectionChannel ch = new ConnectionChannel(s, sipStack, this, "SIP-TCP-" + getPort() + "-" + accepted.incrementAndGet());
            incomingMessageChannels.put(ch.getKey(), ch);
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: a class that could not be loaded (out of file descriptors); the loop goes on
            log.info("SIP TCP connection from {} dropped: {}", s.getRemoteSocketAddress(), e.toString());
            release(from);
            closeQuietly(s);
        }
    }

    private void release(InetAddress from) {
        synchronized (perSource) {
            open.decrementAndGet();
            perSource.computeIfPresent(from, (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    /** A connection of this listener closed (called once per connection). */
    void closed(ConnectionChannel ch) {
        InetAddress from = ch.source();
        if (from != null) {
            release(from);
        }
    }

    /**
     * The connection this listening point opens to {@code host:port} (cached, as the RI's processor
     * caches it): an {@link OutgoingChannel}.
     */
    @Override
    public synchronized MessageChannel createMessageChannel(InetAddress host, int port) throws IOException {
        String key = MessageChannel.getKey(host, port, "TCP");
        MessageChannel known = messageChannels.get(key);
        if (known != null) {
            return known;
        }
        OutgoingChannel ch = new OutgoingChannel(host, port, sipStack, this);
        messageChannels.put(key, ch);
        return ch;
    }

    @Override
    public synchronized MessageChannel createMessageChannel(HostPort target) throws IOException {
        return createMessageChannel(target.getInetAddress(), target.getPort());
    }

    /** Connections closed at once because a cap was reached. */
    long refusedConnections() {
        return refused.get();
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

}
