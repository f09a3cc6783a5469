package org.p2psip.lookup.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.p2psip.lookup.AbstractLookupService;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.chord.ChordRpc;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.wire.DaemonThreads;
import org.p2psip.lookup.wire.RpcFailure;
import org.p2psip.lookup.wire.TcpTransport;

/**
 * Uses the lookup service without joining the ring: every call goes over the wire protocol to a
 * ring node (the "via" node), which routes and stores on the client's behalf. Only outbound TCP
 * connections are made, so a peer behind a NAT can use it through a public peer. With several via
 * nodes, a call that cannot reach one tries the next.
 */
public final class RemoteLookupClient extends AbstractLookupService {
    /** Default time to wait for one answer: the via node may itself wait for failed nodes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final List<Address> vias;
    private final TcpTransport transport;
    private final ChordRpc rpc;
    private volatile boolean closed;

    public RemoteLookupClient(Address via) {
        this(List.of(via), DEFAULT_TIMEOUT);
    }

    /**
     * @param vias    ring nodes to talk to, in order of preference
     * @param timeout how long to wait for one answer
     */
    public RemoteLookupClient(List<Address> vias, Duration timeout) {
        this(vias, timeout, null);
    }

    /**
     * A client over mutual TLS ({@code security}; null: plain TCP), as a peer of a secured overlay
     * behind a NAT uses the ring.
     */
    public RemoteLookupClient(List<Address> vias, Duration timeout, org.p2psip.lookup.wire.LinkSecurity security) {
        super(new DaemonThreads("chord-client-op").cachedPool(), "lookup client"); // no thread until used
        if (vias.isEmpty()) {
            throw new IllegalArgumentException("at least one ring node address is needed");
        }
        this.vias = List.copyOf(vias);
        this.transport = new TcpTransport("chord-client", timeout.plusSeconds(5), security);
        this.rpc = new ChordRpc(transport, timeout);
    }

    public List<Address> vias() {
        return vias;
    }

    /** The node responsible for {@code key} (with its successors and the hops it took). */
    public CompletableFuture<LookupResult> lookup(String key) {
        return async(() -> lookupSync(key));
    }

    // ---- blocking variants (used by the CLI) ------------------------------------------------------

    /** Stores a value; returns the routing hops the via node reported. */
    @Override
    public int putSync(String key, String value, int ttlSeconds) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        Limits.checkTtl(ttlSeconds);
        return viaAny(a -> rpc.clientPut(a, key, value, ttlSeconds)).hops();
    }

    /** Values and routing hops. */
    public ChordRpc.ClientAnswer getSync(String key) {
        Limits.checkKey(key);
        return viaAny(a -> rpc.clientGet(a, key));
    }

    @Override
    protected List<String> getValues(String key) {
        return getSync(key).values();
    }

    @Override
    public int removeSync(String key, String value) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        return viaAny(a -> rpc.clientRemove(a, key, value)).hops();
    }

    public LookupResult lookupSync(String key) {
        Limits.checkKey(key);
        ChordRpc.ClientAnswer a = viaAny(v -> rpc.clientLookup(v, key));
        if (a.successors().isEmpty()) {
            throw new LookupException(Reason.PROTOCOL, "lookup answer without an owner");
        }
        return new LookupResult(a.successors().get(0), a.successors(), a.hops());
    }

    /** Status of one node (any node, not only a via node). */
    public NodeStatus status(Address node) {
        checkOpen();
        return rpc.status(node);
    }

    /**
     * The ring as its nodes see it: starting at the first reachable via node, each node's status,
     * following successor pointers until the walk comes back (at most {@code maxNodes} nodes).
     */
    public List<NodeStatus> ring(int maxNodes) {
        checkOpen();
        NodeStatus first = viaAny(rpc::status);
        List<NodeStatus> out = new ArrayList<>();
        Set<Id> seen = new HashSet<>();
        NodeStatus cur = first;
        while (cur != null && out.size() < maxNodes && seen.add(cur.self().id())) {
            out.add(cur);
            NodeStatus next = null;
            for (NodeRef s : cur.successors()) {
                if (seen.contains(s.id())) {
                    break;
                }
                try {
                    next = rpc.status(s.toAddress());
                    break;
                } catch (RpcFailure e) {
                    // dead successor: the ring will route around it; so does the walk
                }
            }
            cur = next;
        }
        return out;
    }

    private <T> T viaAny(Function<Address, T> call) {
        checkOpen();
        RpcFailure last = null;
        for (Address a : vias) {
            try {
                return call.apply(a);
            } catch (RpcFailure e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    protected boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new LookupException(Reason.CLOSED, "lookup client is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        transport.close();
        workers().shutdownNow();
    }
}
