package org.p2psip.lookup.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;

/**
 * Many nodes in one JVM without sockets, for large-ring benchmarks. Every request and response is
 * still encoded to and decoded from the wire payload format and handled by the same node code;
 * only the TCP framing is skipped. Calls run on the caller's thread; a closed node is "connection refused".
 */
public final class InProcessNetwork {
    private final Map<Address, RequestHandler> nodes = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(10000);

    /** A transport attached to this network. */
    public Transport transport() {
        return new Endpoint();
    }

    public int size() {
        return nodes.size();
    }

    private final class Endpoint implements Transport {
        private volatile Address bound;
        private volatile boolean closed;

        @Override
        public Address start(Address listen, RequestHandler handler) throws IOException {
            Address a = listen.port() == 0 ? new Address(listen.host(), nextPort.getAndIncrement()) : listen;
            if (nodes.putIfAbsent(a, handler) != null) {
                throw new IOException("address in use: " + a);
            }
            bound = a;
            return a;
        }

        @Override
        public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
            if (closed) {
                throw new LookupException(Reason.CLOSED, "transport is closed");
            }
            RequestHandler h = nodes.get(to);
            if (h == null) {
                throw new RpcFailure(Reason.UNREACHABLE, "cannot connect to " + to + ": connection refused");
            }
            byte[] response;
            try {
                byte[] ok = h.handle(type, payload.clone());
                response = new byte[ok.length + 1];
                System.arraycopy(ok, 0, response, 1, ok.length);
            } catch (MalformedFrameException e) {
                throw new RpcFailure(Reason.PROTOCOL, "connection to " + to + " closed: " + e.getMessage());
            } catch (LookupException e) {
                response = Responses.error(ErrorCodes.of(e.reason()), e.getMessage());
            } catch (UnknownTypeException e) {
                response = Responses.error(ErrorCodes.UNKNOWN_TYPE, e.getMessage());
            }
            return Responses.unwrap(to, response);
        }

        @Override
        public void close() {
            closed = true;
            Address a = bound;
            if (a != null) {
                nodes.remove(a);
            }
        }
    }
}
