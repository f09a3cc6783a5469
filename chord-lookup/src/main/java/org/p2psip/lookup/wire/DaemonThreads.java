package org.p2psip.lookup.wire;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factory for the daemon threads a node owns, named {@code prefix-N}. */
public final class DaemonThreads implements ThreadFactory {
    private volatile String prefix;
    private final AtomicInteger n = new AtomicInteger();

    public DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    /** Renames threads created from now on (e.g. once the port is known). */
    public void rename(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(null, r, prefix + "-" + n.incrementAndGet(), 512 * 1024);
        t.setDaemon(true);
        return t;
    }
}
