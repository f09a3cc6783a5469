package org.p2psip.lookup.chord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.p2psip.lookup.wire.DaemonThreads;
import org.p2psip.lookup.wire.RpcFailure;
import org.p2psip.lookup.wire.TcpTransport;
import org.p2psip.lookup.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of the Chord ring (Stoica et al.) with a Bamboo/OpenDHT-style TTL store: the local part of
 * the SATO lookup service.
 *
 * <p>Life cycle: {@code new ChordNode(config)}, then {@link #start()} (a new ring) or
 * {@link #join(Address)} (through any ring node); {@link #leave()} hands the node's keys over and
 * leaves gracefully; {@link #close()} (alias {@link #kill()}) stops at once, as a crash would.
 *
 * <p>Every value lives on the r nodes that succeed its key (the owner and the next r-1 nodes,
 * r = successor-list size). The owner replicates each put and remove at once; periodic repair
 * re-replicates after ring changes, moves keys to their new owners and drops copies a node no
 * longer needs to hold. Periodic stabilize, fix-fingers and check-predecessor keep the ring correct.
 *
 * <p>Threads (daemon, stopped by close/leave): the transport's, one maintenance thread and a pool
 * for asynchronous calls.
 */
public final class ChordNode implements LookupService {
    private static final Logger log = LoggerFactory.getLogger(ChordNode.class);

    private enum State { NEW, JOINED, LEAVING, CLOSED }

    private final ChordConfig config;
    private final Transport transport;
    private final ChordRpc rpc;
    private final ValueStore store = new ValueStore();
    private final ExecutorService workers;
    private volatile State state = State.NEW;
    private volatile NodeRef self;
    private volatile RoutingTable table;
    private volatile Router router;
    private volatile ReplicaRepair repair;
    private volatile Stabilization stabilization;
    private volatile FingerFixing fingerFixing;
    private volatile PredecessorCheck predecessorCheck;
    private volatile Maintenance maintenance;


    /** A node that talks TCP. */
    public ChordNode(ChordConfig config) {
        this(config, new TcpTransport("chord", config.frameReadTimeout()));
    }

    /** A node on the given transport (e.g. {@link org.p2psip.lookup.wire.InProcessNetwork}). */
    public ChordNode(ChordConfig config, Transport transport) {
        this.config = Objects.requireNonNull(config);
        this.transport = Objects.requireNonNull(transport);
        this.rpc = new ChordRpc(transport, config.rpcTimeout());
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DaemonThreads("chord-op"));
    }

    // ---- life cycle ---------------------------------------------------------------------------------

    /** Creates a new ring with this node as its only member. */
    public synchronized ChordNode start() throws IOException {
        bind();
        state = State.JOINED;
        log.info("{}: created a new ring", self);
        scheduleMaintenance();
        return this;
    }

    /**
     * Joins the ring that {@code bootstrap} belongs to: finds this node's successor through it,
     * takes over the keys it is now responsible for, and starts maintenance.
     *
     * @throws LookupException (UNREACHABLE, TIMEOUT, NOT_JOINED, ...) when the ring cannot be joined;
     *                         the node is closed then
     */
    public synchronized ChordNode join(Address bootstrap) throws IOException {
        bind();
        try {
            NodeRef b = rpc.ping(bootstrap);
            LookupResult res = router.lookupVia(b, self.id());
            List<NodeRef> succs = new ArrayList<>();
            for (NodeRef n : res.successors()) {
                if (!n.toAddress().equals(self.toAddress())) {
                    succs.add(n);
                }
            }
            if (succs.isEmpty()) {
                succs.add(b);
            }
            table.setSuccessors(succs);
            NodeRef succ = table.successor();
            int moved;
            try {
                moved = repair.pullKeys(succ);
            } catch (LookupException e) {
                // the successor hands the keys over when this node notifies it, and repair catches up
                log.info("{}: could not fetch keys from {} while joining ({})", self, succ, e.getMessage());
                moved = 0;
            }
            state = State.JOINED;
            log.info("{}: joined the ring via {} (successor {}, {} hops); took over {} values", self, bootstrap, succ,
                    res.hops(), moved);
        } catch (LookupException e) {
            close();
            throw new LookupException(e.reason(), "cannot join the ring via " + bootstrap + ": " + e.getMessage(), e);
        }
        stabilizeNow();
        if (!config.fixFingersInterval().isZero()) {
            fixFingersNow();
        }
        scheduleMaintenance();
        return this;
    }

    private void bind() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("node already started");
        }
        Address bound = transport.start(config.listen(), new NodeRequestHandler(this));
        Address adv = config.advertised();
        if (adv == null) {
            String h = bound.host();
            if (h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0")) {
                transport.close();
                throw new IllegalArgumentException("listening on the wildcard address " + h
                        + " needs an advertised address (the one other nodes reach this node at)");
            }
            adv = bound;
        } else if (adv.port() == 0) {
            adv = new Address(adv.host(), bound.port());
        }
        self = NodeRef.of(adv);
        table = new RoutingTable(self, config.successorListSize(), 3 * config.rpcTimeout().toMillis());
        router = new Router(self, config.successorListSize(), table, rpc);
        repair = new ReplicaRepair(self, config.successorListSize(), table, router, rpc, store);
        stabilization = new Stabilization(self, config.successorListSize(), table, rpc);
        fingerFixing = new FingerFixing(self, table, router);
        predecessorCheck = new PredecessorCheck(self, table, rpc);
        maintenance = new Maintenance(self);
    }

    /** Chord's periodic procedures (Fig. 7 of the paper) and store repair, each at its configured interval. */
    private void scheduleMaintenance() {
        maintenance.every(config.stabilizeInterval(), this::stabilizeNow);
        maintenance.every(config.checkPredecessorInterval(), this::checkPredecessorNow);
        maintenance.every(config.fixFingersInterval(), this::fixFingersNow);
        maintenance.every(config.repairInterval(), this::repairNow);
    }

    /**
     * Leaves the ring gracefully: hands every value to the successor, tells successor and
     * predecessor to link up, then closes. Puts arriving meanwhile are refused (callers retry at the
     * next replica).
     */
    public void leave() {
        synchronized (this) {
            if (state != State.JOINED) {
                close();
                return;
            }
            state = State.LEAVING;
            maintenance.stop();
        }
        synchronized (repair.lock()) {
            List<NodeRef> succs = table.successors();
            NodeRef pred = table.predecessor();
            List<StoredRecord> records = store.records(id -> true, System.currentTimeMillis());
            NodeRef heir = null;
            for (NodeRef n : succs) {
                try {
                    rpc.replicate(n, records);
                    rpc.leavingToSuccessor(n, self, pred);
                    heir = n;
                    break;
                } catch (LookupException e) {
                    log.info("{}: successor {} did not take the keys ({}); trying the next", self, n, e.getMessage());
                }
            }
            if (pred != null) {
                try {
                    rpc.leavingToPredecessor(pred, self, succs);
                } catch (LookupException e) {
                    log.info("{}: could not tell predecessor {} ({})", self, pred, e.getMessage());
                }
            }
            if (heir != null) {
                log.info("{}: left the ring; handed {} records over to {}", self, records.size(), heir);
            } else {
                log.info("{}: left the ring (no successor took {} records)", self, records.size());
            }
        }
        close();
    }

    /** Stops at once without telling anyone, as a crash would (for tests). Same as {@link #close()}. */
    public void kill() {
        close();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (maintenance != null) {
                maintenance.stop();
            }
        }
        transport.close();
        workers.shutdownNow();
        if (self != null) {
            log.debug("{}: closed", self);
        }
    }

    // ---- identity and status ----------------------------------------------------------------------

    public Id id() {
        return requireBound().id();
    }

    public NodeRef ref() {
        return requireBound();
    }

    /** The advertised address {@code host:port}. */
    public String address() {
        return requireBound().address();
    }

    public ChordConfig config() {
        return config;
    }

    public boolean isJoined() {
        return state == State.JOINED;
    }

    public NodeStatus status() {
        NodeRef me = requireBound();
        long now = System.currentTimeMillis();
        NodeRef pred = table.predecessor();
        int primary = pred == null ? 0 : store.liveKeyCount(id -> id.inHalfOpen(pred.id(), me.id()), now);
        return new NodeStatus(me, state == State.JOINED, pred, table.successors(), table.distinctFingers(),
                store.liveKeyCount(id -> true, now), store.liveValueCount(now), primary, router.lookups(),
                router.meanHops());
    }

    /** The live values of {@code key} held in this node's own store (no routing; for inspection and tests). */
    public List<String> localValues(String key) {
        return store.liveValues(key, System.currentTimeMillis());
    }

    private NodeRef requireBound() {
        NodeRef s = self;
        if (s == null) {
            throw new IllegalStateException("node not started");
        }
        return s;
    }

    // ---- lookups and the store -----------------------------------------------------------------------

    /** The successor of {@code target} (blocking, at most a few RPC timeouts). */
    public LookupResult findSuccessor(Id target) {
        requireJoined();
        return router.lookup(target);
    }

    /** The node responsible for {@code key}, its replica holders and the hops it took. */
    public CompletableFuture<LookupResult> lookup(String key) {
        return async(() -> {
            Limits.checkKey(key);
            return findSuccessor(Id.hash(key));
        });
    }

    @Override
    public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
        return async(() -> {
            putSync(key, value, ttlSeconds);
            return null;
        });
    }

    @Override
    public CompletableFuture<List<String>> get(String key) {
        return async(() -> getSync(key).values());
    }

    @Override
    public CompletableFuture<Void> remove(String key, String value) {
        return async(() -> {
            removeSync(key, value);
            return null;
        });
    }

    private <T> CompletableFuture<T> async(Supplier<T> op) {
        if (state == State.CLOSED) {
            return CompletableFuture.failedFuture(new LookupException(Reason.CLOSED, "lookup node is closed"));
        }
        try {
            return CompletableFuture.supplyAsync(op, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new LookupException(Reason.CLOSED, "lookup node is closed"));
        }
    }

    /** Result of a get: the values and the lookup hops. */
    record GetResult(List<String> values, int hops) {
    }

    /** Stores a value (routing to the key's owner); returns the lookup hops. */
    int putSync(String key, String value, int ttlSeconds) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        Limits.checkTtl(ttlSeconds);
        LookupResult res = findSuccessor(Id.hash(key));
        onHolders(res, "put", n -> {
            if (n.equals(self)) {
                acceptPut(key, value, ttlSeconds);
            } else {
                rpc.storePut(n, key, value, ttlSeconds);
            }
            return null;
        });
        return res.hops();
    }

    GetResult getSync(String key) {
        Limits.checkKey(key);
        LookupResult res = findSuccessor(Id.hash(key));
        List<String> values = onHolders(res, "get", n -> n.equals(self)
                ? store.liveValues(key, System.currentTimeMillis()) : rpc.storeGet(n, key));
        if (res.successors().size() > 1 && !res.successors().get(1).equals(res.successors().get(0))) {
            // While the ring settles after a join, a value put through a node with an older view sits at
            // the old owner, which is now the new owner's successor; a multi-valued key can then be split
            // between the two. Ask that second holder too and merge, rather than answer with a part of
            // the values until replica repair has run. (Puts and removes reach it at once anyway.)
            NodeRef next = res.successors().get(1);
            try {
                List<String> more = next.equals(self) ? store.liveValues(key, System.currentTimeMillis()) : rpc.storeGet(next, key);
                if (!more.isEmpty() && !values.containsAll(more)) {
                    java.util.LinkedHashSet<String> merged = new java.util.LinkedHashSet<>(values);
                    merged.addAll(more);
                    values = new ArrayList<>(merged);
                }
            } catch (LookupException e) {
                log.debug("{}: second holder {} of {} not asked: {}", self, next, key, e.getMessage());
            }
        }
        return new GetResult(values, res.hops());
    }

    int removeSync(String key, String value) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        LookupResult res = findSuccessor(Id.hash(key));
        onHolders(res, "remove", n -> {
            if (n.equals(self)) {
                acceptRemove(key, value);
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
    private <T> T onHolders(LookupResult res, String what, HolderOp<T> op) {
        LookupException last = null;
        List<NodeRef> holders = res.successors();
        for (int i = 0; i < holders.size() && i < config.successorListSize(); i++) {
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

    /**
     * A put that routed to this node: store it and replicate it to the successors. Answers once the
     * value is stored here and every replica holder has acknowledged it or failed (see
     * {@link #replicateToSuccessors}).
     */
    void acceptPut(String key, String value, int ttlSeconds) {
        requireJoined();
        Limits.checkKey(key);
        Limits.checkValue(value);
        Limits.checkTtl(ttlSeconds);
        StoredRecord rec = store.put(key, value, ttlSeconds * 1000L, System.currentTimeMillis());
        noteIfForeign(rec);
        replicateToSuccessors(List.of(rec));
    }

    List<String> acceptGet(String key) {
        requireJoined();
        Limits.checkKey(key);
        return store.liveValues(key, System.currentTimeMillis());
    }

    void acceptRemove(String key, String value) {
        requireJoined();
        Limits.checkKey(key);
        Limits.checkValue(value);
        StoredRecord tomb = store.remove(key, value, System.currentTimeMillis());
        noteIfForeign(tomb);
        replicateToSuccessors(List.of(tomb));
    }

    /** A put or remove accepted for a key outside this node's primary range goes to the key's owner at the next repair. */
    private void noteIfForeign(StoredRecord rec) {
        NodeRef pred = table.predecessor();
        if (pred == null || !rec.keyId().inHalfOpen(pred.id(), self.id())) {
            repair.acceptedForeign(rec.keyId());
        }
    }

    /**
     * Sends {@code recs} to the r-1 successors at once, in parallel, and waits until each has
     * acknowledged or failed (at most one RPC timeout). A holder that fails or refuses does not fail
     * the operation: it is reported to the routing table (when it did not answer) and gets the
     * whole primary range at the next repair round.
     */
    private void replicateToSuccessors(List<StoredRecord> recs) {
        List<NodeRef> succs = table.successors();
        int n = Math.min(succs.size(), config.successorListSize() - 1);
        if (n <= 0) {
            return;
        }
        CompletableFuture<?>[] sent = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            NodeRef h = succs.get(i);
            sent[i] = rpc.replicateAsync(h, recs).handle((ok, e) -> {
                if (e != null) {
                    replicaFailed(h, e);
                }
                return null;
            });
        }
        try {
            CompletableFuture.allOf(sent).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: stored here, repair of the survivors catches up
        } catch (java.util.concurrent.ExecutionException e) {
            // cannot happen: every failure is handled above
        }
    }

    private void replicaFailed(NodeRef holder, Throwable t) {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        repair.replicaMissed(holder);
        if (e instanceof RpcFailure) {
            table.failed(holder);
            log.info("{}: replica holder {} failed ({}); repair will catch up", self, holder, e.getMessage());
        } else {
            log.debug("{}: replica holder {} refused: {}", self, holder, e.getMessage());
        }
    }

    void acceptReplicas(List<StoredRecord> recs) {
        requireJoined();
        for (StoredRecord r : recs) {
            store.merge(r);
        }
    }

    void requireJoined() {
        State s = state;
        if (s != State.JOINED) {
            throw new LookupException(s == State.CLOSED ? Reason.CLOSED : Reason.NOT_JOINED,
                    "node " + (self == null ? "" : self.address() + " ") + "is not part of a ring"
                            + (s == State.LEAVING ? " (leaving)" : ""));
        }
    }

    boolean joined() {
        return state == State.JOINED;
    }

    NodeRef self() {
        return self;
    }

    RoutingTable table() {
        return table;
    }

    Router router() {
        return router;
    }

    ValueStore store() {
        return store;
    }

    // ---- ring events from other nodes ------------------------------------------------------------------

    /** {@code n} thinks it might be our predecessor (Chord notify); a new predecessor gets its keys. */
    void onNotify(NodeRef n) {
        requireJoined();
        if (stabilization.notified(n)) {
            inBackground(() -> repair.handOverTo(n));
        }
    }

    void onLeavingSuccessorSide(NodeRef leaving, NodeRef itsPredecessor) {
        requireJoined();
        table.failed(leaving);
        if (table.predecessor() == null && itsPredecessor != null && !itsPredecessor.id().equals(self.id())) {
            table.setPredecessor(itsPredecessor);
        }
        log.info("{}: {} left the ring; took over its keys; predecessor now {}", self, leaving, table.predecessor());
        inBackground(() -> maintenance.runLogged(this::repairNow));
    }

    private void inBackground(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    void onLeavingPredecessorSide(NodeRef leaving, List<NodeRef> itsSuccessors) {
        requireJoined();
        table.failed(leaving);
        List<NodeRef> next = new ArrayList<>();
        for (NodeRef n : itsSuccessors) {
            if (!n.equals(leaving)) {
                next.add(n);
            }
        }
        next.addAll(table.successors());
        table.setSuccessors(next);
        log.info("{}: successor {} left the ring; successor now {}", self, leaving, table.successor());
    }

    // ---- maintenance (Chord: stabilize, fix fingers, check predecessor; store: repair) ----------------
    // Run periodically by Maintenance; public so that tests and tools can drive them with intervals of zero.

    /** Chord stabilize (see {@link Stabilization}). */
    public void stabilizeNow() {
        if (isJoined()) {
            stabilization.stabilize();
        }
    }

    /** Chord fix-fingers, all fingers in one pass (see {@link FingerFixing}). */
    public void fixFingersNow() {
        if (isJoined()) {
            fingerFixing.fixFingers();
        }
    }

    /** Chord check-predecessor (see {@link PredecessorCheck}). */
    public void checkPredecessorNow() {
        if (isJoined()) {
            predecessorCheck.checkPredecessor();
        }
    }

    /** Store repair now (see {@link ReplicaRepair#repair()}). */
    public void repairNow() {
        if (isJoined()) {
            repair.repair();
        }
    }

    /** A joining node asks for the records it must hold, one page at a time. */
    List<StoredRecord> transferPage(NodeRef joining, Id after) {
        requireJoined();
        return repair.transferPage(joining, after);
    }

    @Override
    public String toString() {
        return "ChordNode" + (self == null ? "(unbound)" : "(" + self + ")");
    }
}
