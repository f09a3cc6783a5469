package org.p2psip.lookup.chord;

import static org.p2psip.lookup.chord.WireMessages.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.wire.MalformedFrameException;
import org.p2psip.lookup.wire.PayloadReader;
import org.p2psip.lookup.wire.PayloadWriter;
import org.p2psip.lookup.wire.RpcFailure;
import org.p2psip.lookup.wire.Transport;

/**
 * Typed requests of the chord-lookup protocol, sent over a {@link Transport}. Every method blocks
 * for at most the RPC timeout; a node that cannot be reached or breaks the protocol throws
 * {@link RpcFailure}, an error answer throws {@link org.p2psip.lookup.LookupException}.
 */
public final class ChordRpc {
    private final Transport transport;
    private final Duration timeout;
    private final NodeLatency latency = new NodeLatency();

    public ChordRpc(Transport transport, Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
    }

    /** How fast each node answered this node's requests (which nodes are slow). */
    NodeLatency latency() {
        return latency;
    }

    /** The neighbourhood of a node as it sees it. */
    public record Neighbours(NodeRef predecessor, List<NodeRef> successors) {
    }

    /** One routing step: either the target's successor list (found) or closer candidates. */
    public record Step(boolean found, List<NodeRef> nodes) {
    }

    /** One page of a key transfer. */
    public record TransferPage(List<StoredRecord> records, boolean more, Id last) {
    }

    /** The answer to a client operation: values (for get), routing hops, and the owner's successor list (for lookup). */
    public record ClientAnswer(int hops, List<String> values, List<NodeRef> successors) {
    }

    private interface Decoder<T> {
        T decode(PayloadReader r) throws MalformedFrameException;
    }

    private <T> T call(Address to, int type, PayloadWriter req, Decoder<T> dec) {
        long t0 = System.nanoTime();
        byte[] body;
        try {
            body = transport.call(to, type, req.toBytes(), timeout);
        } catch (RpcFailure e) {
            if (e.reason() == Reason.TIMEOUT) {
                latency.timedOut(to);
            }
            throw e;
        }
        latency.answered(to, System.nanoTime() - t0);
        return decode(to, body, dec);
    }

    private <T> CompletableFuture<T> callAsync(Address to, int type, PayloadWriter req, Decoder<T> dec) {
        return transport.callAsync(to, type, req.toBytes(), timeout).thenApply(body -> decode(to, body, dec));
    }

    /** The whole answer body decoded; anything malformed or left over is a PROTOCOL failure. */
    private static <T> T decode(Address from, byte[] body, Decoder<T> dec) {
        PayloadReader r = new PayloadReader(body);
        try {
            T t = dec.decode(r);
            r.end();
            return t;
        } catch (MalformedFrameException e) {
            throw new RpcFailure(Reason.PROTOCOL, "malformed answer from " + from + ": " + e.getMessage());
        }
    }

    /** A request payload that starts with {@code node} (the sender, or the node it is about). */
    private static PayloadWriter about(NodeRef node) {
        PayloadWriter w = new PayloadWriter();
        writeNode(w, node);
        return w;
    }

    public NodeRef ping(Address to) {
        return call(to, PING, new PayloadWriter(), WireMessages::readNode);
    }

    /** {@link #ping} without waiting: completes with the node, or exceptionally, within about the RPC timeout. */
    public CompletableFuture<NodeRef> pingAsync(Address to) {
        return callAsync(to, PING, new PayloadWriter(), WireMessages::readNode);
    }

    public Neighbours neighbours(NodeRef to) {
        return call(to.toAddress(), NEIGHBOURS, new PayloadWriter(),
                r -> new Neighbours(readOptNode(r), readNodes(r)));
    }

    public void notify(NodeRef to, NodeRef self) {
        call(to.toAddress(), NOTIFY, about(self), r -> null);
    }

    /** Tells {@code to}, this node's predecessor, that {@code self} has just joined after it. */
    public void joined(NodeRef to, NodeRef self) {
        call(to.toAddress(), JOINED, about(self), r -> null);
    }

    public Step findStep(NodeRef to, Id target, Collection<Id> exclude) {
        PayloadWriter w = new PayloadWriter();
        writeId(w, target);
        writeIds(w, exclude);
        return call(to.toAddress(), FIND_STEP, w, r -> {
            int kind = r.u8();
            if (kind != 1 && kind != 2) {
                throw new MalformedFrameException("bad step kind " + kind);
            }
            List<NodeRef> nodes = readNodes(r);
            if (kind == 1 && nodes.isEmpty()) {
                throw new MalformedFrameException("empty successor list in a found answer");
            }
            return new Step(kind == 1, nodes);
        });
    }

    public void storePut(NodeRef to, String key, String value, int ttlSeconds) {
        call(to.toAddress(), STORE_PUT, new PayloadWriter().string(key).string(value).u32(ttlSeconds), r -> null);
    }

    public List<String> storeGet(NodeRef to, String key) {
        return call(to.toAddress(), STORE_GET, new PayloadWriter().string(key), WireMessages::readStrings);
    }

    public void storeRemove(NodeRef to, String key, String value) {
        call(to.toAddress(), STORE_REMOVE, new PayloadWriter().string(key).string(value), r -> null);
    }

    /** Sends records to be merged, in batches of at most {@link WireMessages#BATCH_BYTES}. */
    public void replicate(NodeRef to, List<StoredRecord> records) {
        for (List<StoredRecord> batch : batches(records)) {
            call(to.toAddress(), REPLICATE, recordsPayload(batch), r -> null);
        }
    }

    /**
     * {@link #replicate} without waiting: completes when every batch is merged, or exceptionally
     * (with a {@link org.p2psip.lookup.LookupException}, possibly wrapped in a
     * {@link java.util.concurrent.CompletionException}) when one is not.
     */
    public CompletableFuture<Void> replicateAsync(NodeRef to, List<StoredRecord> records) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (List<StoredRecord> batch : batches(records)) {
            sent.add(callAsync(to.toAddress(), REPLICATE, recordsPayload(batch), r -> null));
        }
        return sent.size() == 1 ? sent.get(0) : CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
    }

    /** {@code records} cut into batches of at most {@link WireMessages#BATCH_BYTES} (a larger record alone). */
    private static List<List<StoredRecord>> batches(List<StoredRecord> records) {
        List<List<StoredRecord>> out = new ArrayList<>();
        List<StoredRecord> batch = new ArrayList<>();
        int bytes = 0;
        for (StoredRecord rec : records) {
            if (!batch.isEmpty() && bytes + rec.approxBytes() > BATCH_BYTES) {
                out.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(rec);
            bytes += rec.approxBytes();
        }
        if (!batch.isEmpty()) {
            out.add(batch);
        }
        return out;
    }

    private static PayloadWriter recordsPayload(List<StoredRecord> batch) {
        PayloadWriter w = new PayloadWriter();
        writeRecords(w, batch, System.currentTimeMillis());
        return w;
    }

    public TransferPage transfer(NodeRef to, NodeRef joining, Id after) {
        PayloadWriter w = about(joining);
        w.bool(after != null);
        if (after != null) {
            writeId(w, after);
        }
        return call(to.toAddress(), TRANSFER, w, r -> {
            List<StoredRecord> recs = readRecords(r, System.currentTimeMillis());
            boolean more = r.bool();
            Id last = r.bool() ? readId(r) : null;
            return new TransferPage(recs, more, last);
        });
    }

    public void leavingToSuccessor(NodeRef to, NodeRef self, NodeRef predecessor) {
        PayloadWriter w = about(self);
        writeOptNode(w, predecessor);
        call(to.toAddress(), LEAVING_TO_SUCCESSOR, w, r -> null);
    }

    public void leavingToPredecessor(NodeRef to, NodeRef self, List<NodeRef> successors) {
        PayloadWriter w = about(self);
        writeNodes(w, successors);
        call(to.toAddress(), LEAVING_TO_PREDECESSOR, w, r -> null);
    }

    public NodeStatus status(Address to) {
        return call(to, STATUS, new PayloadWriter(), WireMessages::readStatus);
    }

    // ---- client operations: the contacted node routes and stores on the client's behalf --------

    public ClientAnswer clientPut(Address via, String key, String value, int ttlSeconds) {
        return call(via, CLIENT_PUT, new PayloadWriter().string(key).string(value).u32(ttlSeconds),
                r -> new ClientAnswer(r.u16(), List.of(), List.of()));
    }

    public ClientAnswer clientGet(Address via, String key) {
        return call(via, CLIENT_GET, new PayloadWriter().string(key),
                r -> new ClientAnswer(r.u16(), readStrings(r), List.of()));
    }

    public ClientAnswer clientRemove(Address via, String key, String value) {
        return call(via, CLIENT_REMOVE, new PayloadWriter().string(key).string(value),
                r -> new ClientAnswer(r.u16(), List.of(), List.of()));
    }

    public ClientAnswer clientLookup(Address via, String key) {
        return call(via, CLIENT_LOOKUP, new PayloadWriter().string(key),
                r -> new ClientAnswer(r.u16(), List.of(), readNodes(r)));
    }
}
