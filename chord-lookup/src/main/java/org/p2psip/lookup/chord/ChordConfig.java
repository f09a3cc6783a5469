package org.p2psip.lookup.chord;

import java.time.Duration;
import java.util.Objects;
import org.p2psip.common.ListenerBounds;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.RecordRules;
import org.p2psip.lookup.wire.LinkSecurity;
import org.p2psip.lookup.wire.TcpTransport;

/**
 * Configuration of a {@link ChordNode}. Immutable; build with {@link #builder()}.
 *
 * <p>A maintenance interval of {@link Duration#ZERO} turns that periodic task off; it can still be
 * run by hand ({@code ChordNode.stabilizeNow()} etc.), which the benchmark uses to drive large
 * in-process rings deterministically.
 */
public final class ChordConfig {
    private final Address listen;
    private final Address advertised;
    private final int successorListSize;
    private final Duration stabilizeInterval;
    private final Duration fixFingersInterval;
    private final Duration checkPredecessorInterval;
    private final Duration repairInterval;
    private final Duration unifyInterval;
    private final Duration rpcTimeout;
    private final Duration frameReadTimeout;
    private final Id nodeId;
    private final LinkSecurity security;
    private final RecordRules recordRules;
    private final ListenerBounds listenerBounds;
    private final int putQuorum;

    private ChordConfig(Builder b) {
        this.listen = b.listen;
        this.advertised = b.advertised;
        this.successorListSize = b.successorListSize;
        this.stabilizeInterval = b.stabilizeInterval;
        this.fixFingersInterval = b.fixFingersInterval;
        this.checkPredecessorInterval = b.checkPredecessorInterval;
        this.repairInterval = b.repairInterval;
        this.unifyInterval = b.unifyInterval;
        this.rpcTimeout = b.rpcTimeout;
        this.frameReadTimeout = b.frameReadTimeout;
        this.nodeId = b.nodeId;
        this.security = b.security;
        this.recordRules = b.recordRules;
        this.listenerBounds = b.listenerBounds;
        this.putQuorum = b.putQuorum;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.listen = listen;
        b.advertised = advertised;
        b.successorListSize = successorListSize;
        b.stabilizeInterval = stabilizeInterval;
        b.fixFingersInterval = fixFingersInterval;
        b.checkPredecessorInterval = checkPredecessorInterval;
        b.repairInterval = repairInterval;
        b.unifyInterval = unifyInterval;
        b.rpcTimeout = rpcTimeout;
        b.frameReadTimeout = frameReadTimeout;
        b.nodeId = nodeId;
        b.security = security;
        b.recordRules = recordRules;
        b.listenerBounds = listenerBounds;
        b.putQuorum = putQuorum;
        return b;
    }

    /** Where the node's TCP server binds (port 0: the OS chooses). Default 127.0.0.1:0. */
    public Address listen() {
        return listen;
    }

    /**
     * The address other nodes reach this node at, from which its id is derived; null means the
     * listen host with the bound port.
     */
    public Address advertised() {
        return advertised;
    }

    /**
     * The address this node, bound at {@code bound}, is reached at: {@link #advertised()}, with the
     * bound port when its port is 0, or the bound address itself when none is configured.
     *
     * @throws IllegalArgumentException when none is configured and the node listens on a wildcard address
     */
    Address advertisedFor(Address bound) {
        if (advertised == null) {
            String h = bound.host();
            if (h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0")) {
                throw new IllegalArgumentException("listening on the wildcard address " + h
                        + " needs an advertised address (the one other nodes reach this node at)");
            }
            return bound;
        }
        return advertised.port() == 0 ? new Address(advertised.host(), bound.port()) : advertised;
    }

    /** r: successor-list length, and the number of copies of every value. Default 4. */
    public int successorListSize() {
        return successorListSize;
    }

    public Duration stabilizeInterval() {
        return stabilizeInterval;
    }

    public Duration fixFingersInterval() {
        return fixFingersInterval;
    }

    public Duration checkPredecessorInterval() {
        return checkPredecessorInterval;
    }

    /** How often replicas are repaired, misplaced keys moved and expired values purged. */
    public Duration repairInterval() {
        return repairInterval;
    }

    /**
     * How often (on average; each delay is jittered by +-25 %) the node probes past ring members that
     * failed, to merge its ring with theirs after a network partition heals, and counts the ring it
     * sees. Default 3 s.
     */
    public Duration unifyInterval() {
        return unifyInterval;
    }

    /** How long one node-to-node request may take before the other node counts as failed. */
    public Duration rpcTimeout() {
        return rpcTimeout;
    }

    /** How long a peer may stall in the middle of a frame before the connection is closed. */
    public Duration frameReadTimeout() {
        return frameReadTimeout;
    }

    /**
     * The node's id as the overlay CA assigned it (carried in its certificate, secured overlay); null:
     * SHA-1 of the advertised address ({@link NodeRef#idOf}).
     */
    public Id nodeId() {
        return nodeId;
    }

    /** Mutual TLS on the wire (secured overlay); null: plain TCP. */
    public LinkSecurity security() {
        return security;
    }

    /** What the node's store admits: signed values checked by their access rules (secured overlay), or everything. */
    public RecordRules recordRules() {
        return recordRules;
    }

    /**
     * The bounds of the node's listener; by default {@link TcpTransport#defaultBounds} (1,024
     * connections, 256 per source, 64 requests in flight per connection, the frame read timeout as
     * the whole-frame deadline, 10 s write timeout, 5 min idle, 1 MiB frames).
     */
    public ListenerBounds listenerBounds() {
        return listenerBounds != null ? listenerBounds : TcpTransport.defaultBounds(frameReadTimeout);
    }

    /**
     * How many replica holders besides the owner must acknowledge a put or remove before it succeeds
     * (fewer when the ring has fewer other nodes); default 1: the owner and at least one replica.
     */
    public int putQuorum() {
        return putQuorum;
    }

    @Override
    public String toString() {
        return "ChordConfig{listen=" + listen + ", advertised=" + advertised + ", r=" + successorListSize
                + ", stabilize=" + stabilizeInterval.toMillis() + "ms, fixFingers=" + fixFingersInterval.toMillis()
                + "ms, checkPredecessor=" + checkPredecessorInterval.toMillis() + "ms, repair="
                + repairInterval.toMillis() + "ms, unify=" + unifyInterval.toMillis() + "ms, rpcTimeout=" + rpcTimeout.toMillis() + "ms}";
    }

    /** Builder with production defaults. */
    public static final class Builder {
        private Address listen = new Address("127.0.0.1", 0);
        private Address advertised;
        private int successorListSize = 4;
        private Duration stabilizeInterval = Duration.ofMillis(500);
        private Duration fixFingersInterval = Duration.ofSeconds(1);
        private Duration checkPredecessorInterval = Duration.ofSeconds(1);
        private Duration repairInterval = Duration.ofSeconds(5);
        private Duration unifyInterval = Duration.ofSeconds(3);
        private Duration rpcTimeout = Duration.ofSeconds(2);
        private Duration frameReadTimeout = Duration.ofSeconds(10);
        private Id nodeId;
        private LinkSecurity security;
        private RecordRules recordRules = RecordRules.NONE;
        private ListenerBounds listenerBounds;
        private int putQuorum = 1;

        private Builder() {
        }

        public Builder listen(String host, int port) {
            this.listen = new Address(host, port);
            return this;
        }

        public Builder listen(Address a) {
            this.listen = Objects.requireNonNull(a);
            return this;
        }

        public Builder advertised(String host, int port) {
            this.advertised = new Address(host, port);
            return this;
        }

        public Builder advertised(Address a) {
            this.advertised = a;
            return this;
        }

        public Builder successorListSize(int r) {
            if (r < 1 || r > 32) {
                throw new IllegalArgumentException("successor list size must be 1..32, not " + r);
            }
            this.successorListSize = r;
            return this;
        }

        public Builder stabilizeInterval(Duration d) {
            this.stabilizeInterval = nonNegative(d);
            return this;
        }

        public Builder fixFingersInterval(Duration d) {
            this.fixFingersInterval = nonNegative(d);
            return this;
        }

        public Builder checkPredecessorInterval(Duration d) {
            this.checkPredecessorInterval = nonNegative(d);
            return this;
        }

        public Builder repairInterval(Duration d) {
            this.repairInterval = nonNegative(d);
            return this;
        }

        public Builder unifyInterval(Duration d) {
            this.unifyInterval = nonNegative(d);
            return this;
        }

        /** Sets all five maintenance intervals to {@code d} (repair to 2d, ring unification to 6d). ZERO: all manual. */
        public Builder maintenanceInterval(Duration d) {
            stabilizeInterval(d);
            fixFingersInterval(d);
            checkPredecessorInterval(d);
            unifyInterval(d.multipliedBy(6));
            return repairInterval(d.multipliedBy(2));
        }

        public Builder rpcTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("RPC timeout must be positive");
            }
            this.rpcTimeout = d;
            return this;
        }

        public Builder frameReadTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("frame read timeout must be positive");
            }
            this.frameReadTimeout = d;
            return this;
        }

        /** The id the overlay CA assigned (see {@link ChordConfig#nodeId()}). */
        public Builder nodeId(Id id) {
            this.nodeId = id;
            return this;
        }

        /** Mutual TLS on the wire (see {@link ChordConfig#security()}). */
        public Builder security(LinkSecurity s) {
            this.security = s;
            return this;
        }

        /** What the node's store admits (see {@link ChordConfig#recordRules()}); default everything. */
        public Builder recordRules(RecordRules r) {
            this.recordRules = Objects.requireNonNull(r);
            return this;
        }

        /** The bounds of the node's listener (see {@link ChordConfig#listenerBounds()}). */
        public Builder listenerBounds(ListenerBounds b) {
            this.listenerBounds = Objects.requireNonNull(b, "listener bounds");
            return this;
        }

        /** Replica holders that must acknowledge a put (0: the owner alone suffices; at most r-1). */
        public Builder putQuorum(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("put quorum must be 0 or more, not " + n);
            }
            this.putQuorum = n;
            return this;
        }

        public ChordConfig build() {
            return new ChordConfig(this);
        }

        private static Duration nonNegative(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("interval must not be negative: " + d);
            }
            return d;
        }
    }
}
