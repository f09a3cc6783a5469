package org.p2psip.lookup.chord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chord lookup, iterative: the origin asks one node after the other for the next step (its closest
 * preceding nodes of the target) until a node finds the target between itself and its successor
 * and answers with its successor list. Every answered step is one hop. A node that fails (refused,
 * reset, timed out) is removed from the routing table, excluded for the rest of the lookup (the
 * exclusion list travels with each step, so the nodes asked skip it too), and the lookup continues
 * with the next-best candidate, backtracking to earlier nodes when a node's candidates are all dead.
 * Among a step's candidates, nodes that have answered slowly of late ({@link NodeLatency}) are asked
 * last, so that a lookup routes around a congested link when another way exists.
 */
final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    /** Candidates a node returns per step. */
    static final int CANDIDATES = 3;
    /** Upper bound of step requests per lookup, whatever happens. */
    static final int MAX_REQUESTS = 96;

    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final ChordRpc rpc;
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong totalHops = new AtomicLong();

    Router(NodeRef self, int r, RoutingTable table, ChordRpc rpc) {
        this.self = self;
        this.r = r;
        this.table = table;
        this.rpc = rpc;
    }

    /** The routing step this node takes for {@code target}, ignoring the excluded (failed) nodes. */
    ChordRpc.Step localStep(Id target, Set<Id> exclude) {
        NodeRef pred = table.predecessor();
        List<NodeRef> known = table.successors();
        List<NodeRef> succs = new ArrayList<>();
        for (NodeRef n : known) {
            if (!exclude.contains(n.id())) {
                succs.add(n);
            }
        }
        if (pred != null && target.inHalfOpen(pred.id(), self.id())) {
            List<NodeRef> l = new ArrayList<>();
            l.add(self);
            l.addAll(succs);
            return new ChordRpc.Step(true, l);
        }
        if (known.isEmpty()) {
            return new ChordRpc.Step(true, List.of(self)); // alone
        }
        if (succs.isEmpty()) {
            // every successor failed during this lookup: this node cannot tell who follows it (it is not
            // the owner: it would be answering for keys that live nodes further on own); closer nodes
            // from its fingers, or none, and the lookup goes another way or fails
            return new ChordRpc.Step(false, table.closestPreceding(target, CANDIDATES, exclude));
        }
        if (target.inHalfOpen(self.id(), succs.get(0).id())) {
            if (succs.size() < r) {
                // a ring of at most r nodes: after the successors comes this node again, which is
                // then one of the key's r holders too
                succs.add(self);
            }
            return new ChordRpc.Step(true, succs);
        }
        List<NodeRef> c = table.closestPreceding(target, CANDIDATES, exclude);
        if (c.isEmpty()) {
            return new ChordRpc.Step(true, succs);
        }
        return new ChordRpc.Step(false, c);
    }

    private static final class Hop {
        final NodeRef node; // null: the origin itself
        List<NodeRef> candidates;
        int failedSeen;

        Hop(NodeRef node, List<NodeRef> candidates, int failedSeen) {
            this.node = node;
            this.candidates = candidates;
            this.failedSeen = failedSeen;
        }
    }

    /** Finds the successor of {@code target} starting from this node's routing table. */
    LookupResult lookup(Id target) {
        Set<Id> failed = new LinkedHashSet<>();
        ChordRpc.Step s = localStep(target, failed);
        if (s.found()) {
            return done(s.nodes(), 0);
        }
        Deque<Hop> path = new ArrayDeque<>();
        path.push(new Hop(null, s.nodes(), 0));
        return route(target, path, failed);
    }

    /** Finds the successor of {@code target} by asking {@code start} first (used to join through a bootstrap node). */
    LookupResult lookupVia(NodeRef start, Id target) {
        return joinPoint(start, target).result();
    }

    /**
     * A lookup's answer and the node that gave it: the one that found the target between itself and
     * its successor (null when this node knew the answer itself).
     */
    record Answer(LookupResult result, NodeRef answeredBy) {
    }

    /** {@link #lookupVia}, also saying which node answered: when this node joins, its predecessor as the ring routes now. */
    Answer joinPoint(NodeRef start, Id target) {
        Deque<Hop> path = new ArrayDeque<>();
        path.push(new Hop(null, List.of(start), 0));
        NodeRef[] by = new NodeRef[1];
        LookupResult r = route(target, path, new LinkedHashSet<>(), by);
        return new Answer(r, by[0]);
    }

    private LookupResult route(Id target, Deque<Hop> path, Set<Id> failed) {
        return route(target, path, failed, new NodeRef[1]);
    }

    private LookupResult route(Id target, Deque<Hop> path, Set<Id> failed, NodeRef[] answeredBy) {
        int hops = 0;
        int requests = 0;
        String lastError = "no node to ask";
        while (requests < MAX_REQUESTS) {
            Hop top = path.peek();
            NodeRef next = null;
            // a node whose answers have been slow (congested path, overload) is asked last
            for (NodeRef c : rpc.latency().fastFirst(top.candidates)) {
                if (!failed.contains(c.id()) && !c.id().equals(self.id())) {
                    next = c;
                    break;
                }
            }
            NodeRef asked;
            boolean again = false;
            if (next != null) {
                asked = next;
            } else if (failed.size() > top.failedSeen) {
                // every candidate of this node failed: ask it again, excluding them
                if (top.node == null) {
                    top.failedSeen = failed.size();
                    ChordRpc.Step s = localStep(target, failed);
                    if (s.found()) {
                        return done(s.nodes(), hops);
                    }
                    top.candidates = s.nodes();
                    continue;
                }
                asked = top.node;
                again = true;
            } else {
                path.pop();
                if (path.isEmpty()) {
                    throw new LookupException(Reason.UNREACHABLE,
                            "lookup of " + target.shortHex() + " failed: no live node could route it (" + lastError + ")");
                }
                continue;
            }
            requests++;
            ChordRpc.Step s;
            try {
                s = rpc.findStep(asked, target, failed);
            } catch (RpcFailure e) {
                lastError = e.getMessage();
                failed.add(asked.id());
                if (table.failed(asked)) {
                    log.info("{}: node {} failed ({}); routing around it", self, asked, e.getMessage());
                }
                if (again) {
                    path.pop();
                    if (path.isEmpty()) {
                        throw new LookupException(e.reason(), "lookup of " + target.shortHex() + " failed: " + lastError);
                    }
                }
                continue;
            } catch (LookupException e) {
                // a live node that cannot route (e.g. not joined yet): skip it for this lookup only
                lastError = e.getMessage();
                failed.add(asked.id());
                if (again) {
                    path.pop();
                    if (path.isEmpty()) {
                        throw new LookupException(e.reason(), "lookup of " + target.shortHex() + " failed: " + lastError);
                    }
                }
                continue;
            }
            hops++;
            table.alive(asked);
            if (s.found()) {
                List<NodeRef> live = new ArrayList<>();
                for (NodeRef n : s.nodes()) {
                    if (!failed.contains(n.id())) {
                        live.add(n);
                    }
                }
                if (!live.isEmpty()) {
                    answeredBy[0] = asked;
                    return done(live, hops);
                }
                if (again) {
                    path.pop();
                }
                path.push(new Hop(asked, List.of(), -1));
                continue;
            }
            if (again) {
                top.candidates = s.nodes();
                top.failedSeen = failed.size();
            } else {
                path.push(new Hop(asked, s.nodes(), failed.size()));
            }
        }
        throw new LookupException(Reason.UNREACHABLE, "lookup of " + target.shortHex() + " gave up after "
                + MAX_REQUESTS + " steps (" + lastError + ")");
    }

    private LookupResult done(List<NodeRef> successors, int hops) {
        lookups.incrementAndGet();
        totalHops.addAndGet(hops);
        return new LookupResult(successors.get(0), List.copyOf(new LinkedHashSet<>(successors)), hops);
    }

    long lookups() {
        return lookups.get();
    }

    double meanHops() {
        long n = lookups.get();
        return n == 0 ? 0 : (double) totalHops.get() / n;
    }
}
