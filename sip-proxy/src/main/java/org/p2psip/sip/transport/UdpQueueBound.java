package org.p2psip.sip.transport;

import gov.nist.javax.sip.stack.BlockingQueueDispatchAuditor;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Bounds the receive queue of the RI's UDP listening point. The RI reads every datagram into a
 * buffer of the stack's maximum message size (32 KiB for the P2PSIP-Port) and queues it for its
 * worker threads without bound: under a REGISTER overload (3,000/s with retransmissions) that queue
 * held about 5,000 such buffers, 160 MB, and the peer's 256 MB heap ran out (the peer exited, so
 * every REGISTER after the overload failed). Bounded, at most {@code capacity} datagrams wait; beyond
 * that the RI's {@code offer} drops a datagram as the kernel drops one when the socket buffer is
 * full, and the sender retransmits. The RI's congestion auditor (requests older than
 * {@code CONGESTION_CONTROL_TIMEOUT} are dropped) is moved to the bounded queue. The processor stays
 * the RI's own class (its factory also marks the stack as having UDP), only its queue changes,
 * before {@code start()} gives it worker threads.
 */
final class UdpQueueBound {
    private UdpQueueBound() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void apply(UDPMessageProcessor p, int capacity) throws IOException {
        try {
            Field queue = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            Field auditorField = UDPMessageProcessor.class.getDeclaredField("congestionAuditor");
            queue.setAccessible(true);
            auditorField.setAccessible(true);
            BlockingQueue bounded = new LinkedBlockingQueue(capacity);
            BlockingQueueDispatchAuditor old = (BlockingQueueDispatchAuditor) auditorField.get(p);
            BlockingQueueDispatchAuditor auditor = new BlockingQueueDispatchAuditor(bounded);
            if (old != null) {
                old.stop();
                auditor.setTimeout(old.getTimeout());
            }
            queue.set(p, bounded);
            if (auditor.getTimeout() > 0) {
                auditor.start(2000); // the RI's interval
            }
            auditorField.set(p, auditor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot bound the UDP receive queue of port " + p.getPort() + ": " + e, e);
        }
    }

    /** Datagrams waiting for a worker now, and at most: {@code {waiting, capacity}}. */
    static int[] fill(UDPMessageProcessor p) {
        try {
            Field queue = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            queue.setAccessible(true);
            BlockingQueue<?> q = (BlockingQueue<?>) queue.get(p);
            return new int[] {q.size(), q.size() + q.remainingCapacity()};
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
