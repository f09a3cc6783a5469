package org.p2psip.rtp.relay;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.BitSet;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * The configured port range and which of its ports this RTP-Port holds. Allocation walks the
 * range from a moving cursor (so a port just freed is not handed out again at once, and late
 * packets of an old call do not reach a new one) and skips ports other processes hold.
 */
final class PortPool {
    /** Binds something on a port; a {@link BindException} means "taken, try the next". */
    interface Binder<T> {
        T bind(int port) throws IOException;
    }

    private final InetAddress address;
    private final int low;
    private final int high;
    private final BitSet used;
    private int cursor;
    private int inUse;

    PortPool(InetAddress address, int low, int high) {
        this.address = address;
        this.low = low;
        this.high = high;
        this.used = new BitSet(high - low + 1);
    }

    /**
     * Finds {@code width} (1, or 2 for an even/odd RTP/RTCP pair) free ports, binds them with
     * {@code binder} and marks them used. Throws {@link ErrorCode#RESOURCE_EXHAUSTED} when the range
     * has no such ports left.
     */
    synchronized <T> T allocate(int width, String what, Binder<T> binder) throws ControlException {
        int size = high - low + 1;
        int taken = 0;
        for (int i = 0; i < size; i++) {
            int p = low + (cursor + i) % size;
            if (width == 2 && (p & 1) != 0) {
                continue;
            }
            if (p + width - 1 > high || used.get(p - low) || (width == 2 && used.get(p + 1 - low))) {
                continue;
            }
            try {
                T t = binder.bind(p);
                used.set(p - low, p - low + width);
                inUse += width;
                cursor = (p - low + width) % size;
                return t;
            } catch (BindException e) {
                taken++;
            } catch (IOException e) {
                throw new ControlException(ErrorCode.RESOURCE_EXHAUSTED,
                        "cannot open a socket for " + what + " on " + address.getHostAddress() + ":" + p + ": " + e.getMessage());
            }
        }
        throw new ControlException(ErrorCode.RESOURCE_EXHAUSTED, "port range " + low + "-" + high + " on "
                + address.getHostAddress() + " exhausted: no free " + (width == 2 ? "even/odd port pair" : "port")
                + " for " + what + " (" + inUse + " of " + size + " ports held by this RTP-Port"
                + (taken > 0 ? ", " + taken + " more taken by other processes" : "") + ")");
    }

    synchronized void release(int port, int width) {
        if (port < low || port + width - 1 > high) {
            return;
        }
        for (int p = port; p < port + width; p++) {
            if (used.get(p - low)) {
                used.clear(p - low);
                inUse--;
            }
        }
    }

    synchronized int free() {
        return (high - low + 1) - inUse;
    }

    synchronized int inUse() {
        return inUse;
    }

    int size() {
        return high - low + 1;
    }

    int low() {
        return low;
    }

    int high() {
        return high;
    }
}
