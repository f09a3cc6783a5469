package org.p2psip.sip.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write timeout of accepted SIP TCP connections. The RI writes with blocking sockets, which have
 * no timeout of their own: a client that never reads its answers fills the socket buffers and the
 * writing thread would wait for ever. Each {@link MessageDeadlineSocket} here notes when a write
 * started; one daemon thread per JVM looks every {@value #TICK_MILLIS} ms and closes a socket whose
 * write has waited longer than its timeout, which fails the blocked write (the stack then drops the
 * connection). Holds only sockets open now, so it is bounded by the listeners' connection caps.
 */
final class WriteWatchdog {
    private static final Logger log = LoggerFactory.getLogger(WriteWatchdog.class);
    static final long TICK_MILLIS = 250;
    private static final Set<MessageDeadlineSocket> WATCHED = ConcurrentHashMap.newKeySet();
    private static Thread thread;

    private WriteWatchdog() {
    }

    static void watch(MessageDeadlineSocket s) {
        WATCHED.add(s);
        start();
    }

    static void forget(MessageDeadlineSocket s) {
        WATCHED.remove(s);
    }

    /** Sockets watched now (tests). */
    static int watched() {
        return WATCHED.size();
    }

    private static synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(WriteWatchdog::run, "sip-tcp-write-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (MessageDeadlineSocket s : WATCHED) {
                if (s.isClosed()) {
                    WATCHED.remove(s);
                } else if (s.writeStuckSince(now)) {
                    WATCHED.remove(s);
                    log.info("SIP TCP connection from {} closed: an answer could not be written within {} ms (the client"
                            + " does not read)", s.getRemoteSocketAddress(), s.writeTimeoutMillis());
                    closeQuietly(s);
                }
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
