package org.p2psip.testsupport;

import java.lang.management.ManagementFactory;

/** How much the current thread allocated: the bound a parser must keep, checked by fuzz and property tests. */
public final class Allocations {
    private Allocations() {
    }

    /** Bytes this thread allocated so far (HotSpot's per-thread counter). */
    public static long ofThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
