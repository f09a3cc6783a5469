package org.p2psip.lookup.chord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.p2psip.lookup.AbstractLookupService;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.ValueStore;
import org.p2psip.lookup.wire.DaemonThreads;
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
 * <p>This class reads as the paper's node: join (find the successor through a ring node, take over
 * keys), leave, lookup ({@code find_successor}, in {@link Router}) and the store operations. Each
 * procedure is its own class, wired in {@link NodeParts}: {@link Stabilization} (stabilize, notify),
 * {@link FingerFixing}, {@link PredecessorCheck}, run periodically by {@link Maintenance}, with
 * {@link RingUnification} (merging the rings a network partition left when it heals);
 * {@link KeyTransfer} and {@link Departure} for the keys and pointers that move on join and leave.
 *
 * <p>Every value lives on the r nodes that succeed its key (the owner and the next r-1 nodes,
 * r = successor-list size). {@link StoreRouting} takes a put, get or remove to the key's owner;
 * the owner's {@link ReplicaWriter} stores it and writes the replicas at once; periodic
 * {@link ReplicaRepair} re-replicates after ring changes, moves keys to their new owners and drops
 * copies a node no longer needs to hold.
 *
 * <p>Threads (daemon, stopped by close/leave): the transport's, one maintenance thread and a pool
 * for asynchronous calls.
 */
public final class ChordNode extends AbstractLookupService {
    private static final Logger log = LoggerFactory.getLogger(ChordNode.class);

    private enum State { NEW, JOINED, LEAVING, CLOSED }

    private final ChordConfig config;
    private final Transport transport;
    private final ChordRpc rpc;
    private final ValueStore store;
    private volatile State state = State.NEW;
    private volatile NodeParts parts;

    /** A node that talks TCP. */
    public ChordNode(ChordConfig config) {
        this(config, new TcpTransport("chord", config.frameReadTimeout(), config.security(), config.listenerBounds()));
    }

    /** A node on the given transport (e.g. {@link org.p2psip.lookup.wire.InProcessNetwork}). */
    public ChordNode(ChordConfig config, Transport transport) {
        super(new DaemonThreads("chord-op").cachedPool(), "lookup node");
        this.config = Objects.requireNonNull(config);
        this.transport = Objects.requireNonNull(transport);
        this.rpc = new ChordRpc(transport, config.rpcTimeout());
        this.store = new ValueStore(config.recordRules());
    }

    // ---- life cycle ---------------------------------------------------------------------------------

    /** Creates a new ring with this node as its only member. */
    public synchronized ChordNode start() throws IOException {
        bind();
        state = State.JOINED;
        log.info("{}: created a new ring", self());
        scheduleMaintenance();
        return this;
    }

    /**
     * Joins the ring that {@code bootstrap} belongs to: finds this node's successor through it,
     * takes over the keys it is now responsible for, notifies the successor (Chord's stabilize) and
     * tells the successor's predecessor until then, which adopts this node as its successor at once
     * (JOINED), starts parts.maintenance() and a first finger pass in the background.
     *
     * @throws LookupException (UNREACHABLE, TIMEOUT, NOT_JOINED, ...) when the ring cannot be joined;
     *                         the node is closed then
     */
    public synchronized ChordNode join(Address bootstrap) throws IOException {
        bind();
        NodeRef answeredBy;
        try {
            NodeRef b = rpc.ping(bootstrap);
            Router.Answer joinPoint = parts.router().joinPoint(b, self().id());
            LookupResult res = joinPoint.result();
            answeredBy = joinPoint.answeredBy();
            List<NodeRef> succs = new ArrayList<>();
            for (NodeRef n : res.successors()) {
                if (!n.toAddress().equals(self().toAddress())) {
                    succs.add(n);
                }
            }
            if (succs.isEmpty()) {
                succs.add(b);
            }
            parts.table().setSuccessors(succs);
            NodeRef succ = parts.table().successor();
            int moved;
            try {
                moved = parts.keyTransfer().pullFrom(succ);
            } catch (LookupException e) {
                // the successor hands the keys over when this node notifies it, and repair catches up
                log.info("{}: could not fetch keys from {} while joining ({})", self(), succ, e.getMessage());
                moved = 0;
            }
            state = State.JOINED;
            log.info("{}: joined the ring via {} (successor {}, {} hops); took over {} values", self(), bootstrap, succ,
                    res.hops(), moved);
        } catch (LookupException e) {
            close();
            throw new LookupException(e.reason(), "cannot join the ring via " + bootstrap + ": " + e.getMessage(), e);
        }
        NodeRef succPred = isJoined() ? parts.stabilization().stabilize() : null;
        // Chord's join leaves the predecessor pointing past this node until its next stabilize; told now, it
        // adopts this node at once (the successor already has it as predecessor: notified just above). The
        // predecessor as far as this node can tell: the node that answered the join's lookup (its successor
        // pointer spans this node's id), or the successor's predecessor until now when that one is closer
        // (the answer came from a stale view, or from the successor itself) and not found failed meanwhile.
        // That one is told before the join returns; the other, if any, in the background (it takes this node
        // into its successor list)
        NodeRef first = answeredBy == null || answeredBy.equals(self()) || answeredBy.equals(parts.table().successor()) ? null : answeredBy;
        NodeRef other = null;
        if (succPred != null && !succPred.equals(self()) && !parts.table().isSuspect(succPred)
                && (first == null || succPred.id().inOpen(first.id(), self().id()))) {
            other = first;
            first = succPred;
        }
        if (first != null) {
            tellJoined(first);
        }
        if (other != null) {
            NodeRef farther = other;
            inBackground(() -> tellJoined(farther));
        }
        scheduleMaintenance();
        if (!config.fixFingersInterval().isZero()) {
            // the first finger pass at once, but not in the join: under churn its lookups may wait out the
            // timeouts of failed nodes for seconds, and the join is complete without fingers (routing
            // along successors is correct, only longer)
            inBackground(() -> parts.maintenance().runLogged(this::fixFingersNow));
        }
        return this;
    }

    private void tellJoined(NodeRef pred) {
        try {
            rpc.joined(pred, self());
        } catch (LookupException e) {
            log.info("{}: {} not told of the join ({}); its next stabilize finds this node", self(), pred, e.getMessage());
        }
    }

    private void bind() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("node already started");
        }
        Address bound = transport.start(config.listen(), new NodeRequestHandler(this));
        Address adv;
        try {
            adv = config.advertisedFor(bound);
        } catch (IllegalArgumentException e) {
            transport.close();
            throw e;
        }
        NodeRef self = config.nodeId() != null ? new NodeRef(config.nodeId(), adv.host(), adv.port()) : NodeRef.of(adv);
        parts = NodeParts.of(this, self, config, rpc, store);
    }

    /** Chord's periodic procedures (the paper's stabilization pseudocode) and store repair, each at its configured interval. */
    private void scheduleMaintenance() {
        parts.maintenance().everyOnRingThread(config.stabilizeInterval(), this::stabilizeNow);
        parts.maintenance().everyOnRingThread(config.checkPredecessorInterval(), this::checkPredecessorNow);
        parts.maintenance().every(config.fixFingersInterval(), this::fixFingersNow);
        parts.maintenance().every(config.repairInterval(), this::repairNow);
        parts.maintenance().everyJittered(config.unifyInterval(), this::unifyNow);
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
            parts.maintenance().stop();
        }
        synchronized (parts.repair().lock()) { // no repair round during the hand-over
            parts.departure().leave();
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
            if (parts != null) {
                parts.maintenance().stop();
            }
        }
        transport.close();
        workers().shutdownNow();
        if (self() != null) {
            log.debug("{}: closed", self());
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

    @Override
    protected boolean isClosed() {
        return state == State.CLOSED;
    }

    public NodeStatus status() {
        return status(true);
    }

    /**
     * {@link #status()} without the store's counts ({@code keys}, {@code values} and {@code primaryKeys}
     * are -1: not counted): the ring as this node sees it, for callers that ask often (the OM's ring view
     * on user look-ups and registrations, the TCP relay's dial targets every second), since counting
     * is a pass over the store (100,000 records: milliseconds).
     */
    public NodeStatus ringStatus() {
        return status(false);
    }

    private NodeStatus status(boolean countStore) {
        NodeRef me = requireBound();
        long now = System.currentTimeMillis();
        NodeRef pred = parts.table().predecessor();
        int primary = !countStore ? -1 : pred == null ? 0 : store.liveKeyCount(id -> id.inHalfOpen(pred.id(), me.id()), now);
        RingUnification u = parts.unification();
        RingCensus.Count count = u.lastCount();
        return new NodeStatus(me, state == State.JOINED, pred, parts.table().successors(), parts.table().distinctFingers(),
                countStore ? store.liveKeyCount(id -> true, now) : -1, countStore ? store.liveValueCount(now) : -1, primary,
                parts.router().lookups(), parts.router().meanHops(), count == null ? 0 : count.nodes(),
                count != null && count.exact(), u.lastMergeMillis(), u.merges());
    }

    /**
     * Members this node remembers that stopped answering and have not been found in its ring since
     * (after a network partition: those on the far side; they are probed for a merge). Node status
     * uses it to tell a partition from a user who is simply not registered.
     */
    public int unreachableMembers() {
        return parts.unification().past().unreachable(System.currentTimeMillis());
    }

    /** The hosts of the members {@link #unreachableMembers} counts (a peer's other listeners are there too). */
    public java.util.Set<String> unreachableHosts() {
        return parts.unification().past().unreachableHosts(System.currentTimeMillis());
    }

    /**
     * The hosts of the members of the ring this node counted all the way round last (this node's own
     * included), or empty when the last count was an estimate or there was none. After a partition has
     * closed this node's piece on itself: the hosts on its side.
     */
    public java.util.Set<String> ringHosts() {
        RingCensus.Count count = parts.unification().lastCount();
        return count == null || !count.exact() ? java.util.Set.of() : count.hosts();
    }

    /** The live values of {@code key} held in this node's own store (no routing; for inspection and tests). */
    public List<String> localValues(String key) {
        return store.liveValues(key, System.currentTimeMillis());
    }

    private NodeRef requireBound() {
        NodeRef s = self();
        if (s == null) {
            throw new IllegalStateException("node not started");
        }
        return s;
    }

    // ---- lookups and the store -----------------------------------------------------------------------

    /** The successor of {@code target} (blocking, at most a few RPC timeouts). */
    public LookupResult findSuccessor(Id target) {
        requireJoined();
        return parts.router().lookup(target);
    }

    /** The node responsible for {@code key}, its replica holders and the hops it took. */
    public CompletableFuture<LookupResult> lookup(String key) {
        return async(() -> {
            Limits.checkKey(key);
            return findSuccessor(Id.hash(key));
        });
    }

    /** Stores a value (routing to the key's owner); returns the lookup hops. */
    @Override
    protected int putSync(String key, String value, int ttlSeconds) {
        return parts.storeRouting().put(key, value, ttlSeconds);
    }

    @Override
    protected List<String> getValues(String key) {
        return getSync(key).values();
    }

    /** The values of {@code key} (routing to the key's owner) and the lookup hops. */
    StoreRouting.GetResult getSync(String key) {
        return parts.storeRouting().get(key);
    }

    @Override
    protected int removeSync(String key, String value) {
        return parts.storeRouting().remove(key, value);
    }

    /** A put that routed to this node: store it and replicate it to the successors (see {@link ReplicaWriter}). */
    void acceptPut(String key, String value, int ttlSeconds) {
        acceptPut(key, value, ttlSeconds, "this node");
    }

    /** A put from {@code writer} (null: unknown) that routed to this node. */
    void acceptPut(String key, String value, int ttlSeconds, String writer) {
        requireJoined();
        parts.replicaWriter().put(key, value, ttlSeconds, writer);
    }

    void acceptRemove(String key, String value) {
        requireJoined();
        parts.replicaWriter().remove(key, value);
    }

    void requireJoined() {
        State s = state;
        if (s != State.JOINED) {
            throw new LookupException(s == State.CLOSED ? Reason.CLOSED : Reason.NOT_JOINED,
                    "node " + (self() == null ? "" : self().address() + " ") + "is not part of a ring"
                            + (s == State.LEAVING ? " (leaving)" : ""));
        }
    }

    NodeParts parts() {
        return parts;
    }

    /** This node, or null before it is bound. */
    private NodeRef self() {
        NodeParts p = parts;
        return p == null ? null : p.self();
    }

    // ---- ring events from other nodes ------------------------------------------------------------------

    /** {@code n} thinks it might be our predecessor (Chord notify); a new predecessor gets its keys. */
    void onNotify(NodeRef n) {
        requireJoined();
        if (parts.stabilization().notified(n)) {
            inBackground(() -> parts.keyTransfer().handOverTo(n));
        }
    }

    /**
     * {@code n} has just joined right after this node (it found its successor, notified it and tells
     * its predecessor): checked and adopted as successor now, so that lookups of the keys between
     * the two end at {@code n} from the moment its join returns, not only after this node's next stabilize.
     */
    void onJoinedAfter(NodeRef n) {
        requireJoined();
        parts.stabilization().joinedAfter(n); // two requests to n, each within the RPC timeout; no lock held
    }

    /** Our predecessor {@code leaving} leaves and has handed us its records (see {@link Departure}). */
    void onLeavingSuccessorSide(NodeRef leaving, NodeRef itsPredecessor) {
        requireJoined();
        parts.departure().predecessorLeft(leaving, itsPredecessor);
        inBackground(() -> parts.maintenance().runLogged(this::repairNow));
    }

    /** Our successor {@code leaving} leaves (see {@link Departure}). */
    void onLeavingPredecessorSide(NodeRef leaving, List<NodeRef> itsSuccessors) {
        requireJoined();
        parts.departure().successorLeft(leaving, itsSuccessors);
    }

    private void inBackground(Runnable task) {
        try {
            workers().execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // ---- maintenance (Chord: stabilize, fix fingers, check predecessor; store: repair) ----------------
    // Run periodically by Maintenance; public so that tests and tools can drive them with intervals of zero.

    /** Chord stabilize (see {@link Stabilization}). */
    public void stabilizeNow() {
        if (isJoined()) {
            parts.stabilization().stabilize();
        }
    }

    /** Chord fix-fingers, all fingers in one pass (see {@link FingerFixing}). */
    public void fixFingersNow() {
        if (isJoined()) {
            parts.fingerFixing().fixFingers();
        }
    }

    /** Chord check-predecessor (see {@link PredecessorCheck}). */
    public void checkPredecessorNow() {
        if (isJoined()) {
            parts.predecessorCheck().checkPredecessor();
        }
    }

    /**
     * One round of ring unification now: probe past members that failed, merge with the ring of any
     * that answers from another ring, count the ring (see {@link RingUnification}).
     */
    public void unifyNow() {
        if (isJoined()) {
            parts.unification().round();
        }
    }

    /** Store repair now (see {@link ReplicaRepair#repair()}). */
    public void repairNow() {
        if (isJoined()) {
            parts.repair().repair();
        }
    }

    @Override
    public String toString() {
        return "ChordNode" + (self() == null ? "(unbound)" : "(" + self() + ")");
    }

    /** The RPC client (with its view of which nodes answer slowly), for tests in this package. */
    ChordRpc rpc() {
        return rpc;
    }
}
