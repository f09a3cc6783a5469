package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's side of put, get and remove (Bamboo/OpenDHT semantics over Chord): find the key's
 * successor with Chord's lookup (Stoica et al. 2001, "Scalable Key Location", {@code find_successor}), then run the
 * operation at the owner, falling back to the next replica holder of the lookup answer when a node
 * has failed. The owner stores and replicates ({@link ReplicaWriter}); this node may be that owner.
 */
final class StoreRouting {
    private static final Logger log = LoggerFactory.getLogger(StoreRouting.class);

    private final ChordNode node;
    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final ChordRpc rpc;

    /** Result of a get: the values and the lookup hops. */
    record GetResult(List<String> values, int hops) {
    }

    StoreRouting(ChordNode node, NodeRef self, int r, RoutingTable table, ChordRpc rpc) {
        this.node = node;
        this.self = self;
        this.r = r;
        this.table = table;
        this.rpc = rpc;
    }

    /** Stores a value at the key's holders; returns the lookup hops. */
    int put(String key, String value, int ttlSeconds) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        Limits.checkTtl(ttlSeconds);
        LookupResult res = node.findSuccessor(Id.hash(key));
        onHolders(res.successors(), "put", n -> {
            if (n.equals(self)) {
                node.acceptPut(key, value, ttlSeconds);
            } else {
                rpc.storePut(n, key, value, ttlSeconds);
            }
            return null;
        });
        return res.hops();
    }

    GetResult get(String key) {
        Limits.checkKey(key);
        LookupResult res = node.findSuccessor(Id.hash(key));
        // every holder has the key's values (replicas): ask those that answered fast of late first
        List<NodeRef> holders = res.successors().subList(0, Math.min(r, res.successors().size()));
        List<NodeRef> fastFirst = rpc.latency().fastFirst(holders);
        List<String> values = onHolders(fastFirst, "get", n -> valuesAt(n, key));
        if (values.isEmpty()) {
            // a holder that missed a put (it did not answer then; the put's quorum did not need it) has
            // nothing until replica repair reaches it: before answering "no value", ask the other holders
            // that have answered promptly of late
            for (NodeRef n : fastFirst.subList(1, fastFirst.size())) {
                if (n.equals(self) || rpc.latency().slow(n.toAddress())) {
                    continue;
                }
                try {
                    List<String> more = valuesAt(n, key);
                    if (!more.isEmpty()) {
                        values = more;
                        break;
                    }
                } catch (LookupException e) {
                    log.debug("{}: holder {} of {} not asked again: {}", self, n, key, e.getMessage());
                }
            }
        }
        if (res.successors().size() > 1 && !res.successors().get(1).equals(res.successors().get(0))
                && !rpc.latency().slow(res.successors().get(1).toAddress())) {
            // While the ring settles after a join, a value put through a node with an older view sits at
            // the old owner, which is now the new owner's successor; a multi-valued key can then be split
            // between the two. Ask that second holder too and merge, rather than answer with a part of
            // the values until replica repair has run. (Puts and removes reach it at once anyway.)
            NodeRef next = res.successors().get(1);
            try {
                List<String> more = valuesAt(next, key);
                if (!more.isEmpty() && !values.containsAll(more)) {
                    LinkedHashSet<String> merged = new LinkedHashSet<>(values);
                    merged.addAll(more);
                    values = new ArrayList<>(merged);
                }
            } catch (LookupException e) {
                log.debug("{}: second holder {} of {} not asked: {}", self, next, key, e.getMessage());
            }
        }
        return new GetResult(values, res.hops());
    }

    private List<String> valuesAt(NodeRef n, String key) {
        return n.equals(self) ? node.localValues(key) : rpc.storeGet(n, key);
    }

    /** Removes a value at the key's holders; returns the lookup hops. */
    int remove(String key, String value) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        LookupResult res = node.findSuccessor(Id.hash(key));
        onHolders(res.successors(), "remove", n -> {
            if (n.equals(self)) {
                node.acceptRemove(key, value);
            } else {
                rpc.storeRemove(n, key, value);
            }
            return null;
        });
        return res.hops();
    }

    private interface HolderOp<T> {
        T apply(NodeRef n);
    }

    /** Runs {@code op} at the owner, falling back to the next replica holders when a node has failed. */
    private <T> T onHolders(List<NodeRef> holders, String what, HolderOp<T> op) {
        LookupException last = null;
        for (int i = 0; i < holders.size() && i < r; i++) {
            NodeRef n = holders.get(i);
            try {
                return op.apply(n);
            } catch (RpcFailure e) {
                last = e;
                if (table.failed(n)) {
                    log.info("{}: node {} failed during {} ({}); trying the next replica", self, n, what, e.getMessage());
                }
            } catch (LookupException e) {
                if (e.reason() != Reason.NOT_JOINED && e.reason() != Reason.CLOSED) {
                    throw e;
                }
                last = e;
            }
        }
        throw new LookupException(last == null ? Reason.UNREACHABLE : last.reason(),
                what + " failed: no holder of the key answered" + (last == null ? "" : " (" + last.getMessage() + ")"));
    }
}
