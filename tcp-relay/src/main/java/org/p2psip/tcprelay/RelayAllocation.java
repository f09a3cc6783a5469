package org.p2psip.tcprelay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One allocation of a {@link TcpRelay}: a public port bound for one control connection, with
 * its counters. Closing it closes the public listener and the control connection; spliced
 * connections are not affected.
 */
final class RelayAllocation {

    private static final long ACCEPTOR_JOIN_MILLIS = 2_000;

    final String name;
    /** The Node-ID in the certificate of the node that asked for it (secured relay); null when unsecured. */
    final String owner;
    final InetSocketAddress publicAddress;
    final ServerSocket listener;
    final LongAdder bytesClientToPeer = new LongAdder();
    final LongAdder bytesPeerToClient = new LongAdder();
    final AtomicLong connectionsAccepted = new AtomicLong();
    final AtomicInteger connectionsActive = new AtomicInteger();

    private final Lifecycle lifecycle;
    private final Socket control;
    private final OutputStream controlOut;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile Thread acceptor;

    RelayAllocation(Lifecycle lifecycle, String name, String ownerNodeId, InetSocketAddress publicAddress,
            ServerSocket listener, Socket control) throws IOException {
        this.lifecycle = lifecycle;
        this.name = name;
        this.owner = ownerNodeId;
        this.publicAddress = publicAddress;
        this.listener = listener;
        this.control = control;
        this.controlOut = control.getOutputStream();
    }

    /** Sends one line on the control connection. */
    void send(String line) throws IOException {
        synchronized (controlOut) {
            RelayProtocol.send(controlOut, line);
        }
    }

    boolean isOpen() {
        return open;
    }

    /** Records the thread accepting on the public port. */
    void acceptor(Thread thread) {
        acceptor = thread;
    }

    /**
     * Closes the public listener and the control connection, and waits (up to 2 s) until the
     * accepting thread has left {@code accept()}: only then has the kernel released the public
     * port (a blocked {@code accept} keeps the listening socket alive), so it can be bound again.
     * {@link #isOpen()} turns false after that.
     *
     * @return true for the call that closed it, false if it was already closing
     */
    boolean close() {
        boolean first = closing.compareAndSet(false, true);
        lifecycle.release(listener);
        lifecycle.release(control);
        Thread thread = acceptor;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(ACCEPTOR_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        open = false;
        return first;
    }

    AllocationStats stats() {
        return new AllocationStats(name, publicAddress, connectionsAccepted.get(), connectionsActive.get(),
                bytesClientToPeer.sum(), bytesPeerToClient.sum(), open);
    }

    @Override
    public String toString() {
        return name + "@" + RelayProtocol.format(publicAddress) + (owner == null ? "" : " (node " + RelaySecurity.shortId(owner) + ")");
    }
}
