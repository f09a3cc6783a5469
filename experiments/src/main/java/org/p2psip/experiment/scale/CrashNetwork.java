package org.p2psip.experiment.scale;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.wire.InProcessNetwork;
import org.p2psip.lookup.wire.RequestHandler;
import org.p2psip.lookup.wire.RpcFailure;
import org.p2psip.lookup.wire.Transport;

/**
 * The in-process network of the churn experiment, where a node that failed does not answer: a request
 * to it fails only after the caller's RPC timeout, as with a crashed host on a real network (the plain
 * {@link InProcessNetwork} refuses at once, which would hide the cost of failures). Remembers the last
 * 65,536 failed addresses (a fresh node never reuses one: the in-process network numbers ports upwards).
 */
final class CrashNetwork {
    private static final int REMEMBERED = 65_536;

    private final InProcessNetwork network = new InProcessNetwork();
    private final Set<Address> crashed = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<Address, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Address, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    Transport transport() {
        return new Endpoint(network.transport());
    }

    /** From now on requests to {@code a} time out. */
    void crash(Address a) {
        crashed.add(a);
    }

    /** Whether {@code a} failed (requests to it time out). */
    boolean crashed(Address a) {
        return crashed.contains(a);
    }

    private final class Endpoint implements Transport {
        private final Transport inner;

        Endpoint(Transport inner) {
            this.inner = inner;
        }

        @Override
        public Address start(Address listen, RequestHandler handler) throws IOException {
            return inner.start(listen, handler);
        }

        @Override
        public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
            if (crashed.contains(to)) {
                try {
                    Thread.sleep(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new RpcFailure(Reason.TIMEOUT, "no answer from " + to + " within " + timeout.toMillis() + " ms");
            }
            return inner.call(to, type, payload, timeout);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
