package org.p2psip.om.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.p2psip.om.path.Detours;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The far peers this OM reaches through a relay peer instead of directly, because the direct path
 * to them was measured congested or broken (issue 13: the congestion hits every kind of traffic
 * between two peers, not only the media, so a call's OM IF negotiation and its signalling SATO take
 * the detour too). A route names the far peer's OM address and the relay peer's TCP relay; every
 * connection to that peer's OM (and, on request, to its P2PSIP-Port) then goes through a local
 * tunnel that asks the relay to dial the far end ({@link Detours}).
 *
 * <p>A route lives {@value #TTL_SECONDS} s after it was last set, so that it outlasts the calls that
 * use it; a later decision that the direct path is fine again ends it. At most {@value #MAX_ROUTES}
 * routes (the oldest goes first). Thread-safe.
 */
public final class DetourRoutes {
    private static final Logger log = LoggerFactory.getLogger(DetourRoutes.class);
    static final int MAX_ROUTES = 256;
    static final long TTL_SECONDS = 600;

    /** One detour: the relay peer and why the direct path is not used. */
    public record Route(Address farOm, String relayNodeId, Address relayTcp, String reason, long setNanos) {
        boolean expired(long now) {
            return now - setNanos > TTL_SECONDS * 1_000_000_000L;
        }

        @Override
        public String toString() {
            return farOm + " via relay " + NodeIds.shortId(relayNodeId) + " (TCP relay " + relayTcp + "): " + reason;
        }
    }

    private final Detours detours;
    private final Map<Address, Route> routes = new LinkedHashMap<>();

    /** @param detours opens tunnels through relays; null: this peer cannot take detours (every route is direct) */
    public DetourRoutes(Detours detours) {
        this.detours = detours;
    }

    /** Whether detours can be taken at all (the peer wired a tunnel provider). */
    public boolean available() {
        return detours != null;
    }

    /** From now on, connections to the OM at {@code farOm} (and its peer's other listeners) go through {@code relayTcp}. */
    public void use(Address farOm, String relayNodeId, Address relayTcp, String reason) {
        if (detours == null) {
            return;
        }
        Route r = new Route(farOm, relayNodeId, relayTcp, reason, System.nanoTime());
        Route old;
        synchronized (routes) {
            old = routes.remove(farOm);
            routes.put(farOm, r);
            while (routes.size() > MAX_ROUTES) {
                routes.remove(routes.keySet().iterator().next());
            }
        }
        if (old == null || !old.relayTcp().equals(relayTcp)) {
            log.info("Signalling to the peer at {} now goes through relay {} at {} ({})", farOm,
                    NodeIds.shortId(relayNodeId), relayTcp, reason);
        }
    }

    /** The direct path to {@code farOm} is fine (again): connections go directly. */
    public void direct(Address farOm, String reason) {
        Route old;
        synchronized (routes) {
            old = routes.remove(farOm);
        }
        if (old != null) {
            log.info("Signalling to the peer at {} goes directly again ({})", farOm, reason);
        }
    }

    /**
     * Opens (or finds) the tunnel to {@code target} through the TCP relay at {@code relayTcp} without
     * routing anything through it yet: a detour prepared before it is needed costs nothing when it is
     * taken. Returns the tunnel's local end.
     */
    public Address tunnel(Address relayTcp, Address target) throws OmException {
        if (detours == null) {
            throw OmException.invalid("relayTcp", "this peer takes no detours");
        }
        return detours.via(relayTcp, target);
    }

    /** The detour to {@code farOm}, or null if it is reached directly. */
    public Route of(Address farOm) {
        long now = System.nanoTime();
        synchronized (routes) {
            Route r = routes.get(farOm);
            if (r != null && r.expired(now)) {
                routes.remove(farOm);
                return null;
            }
            return r;
        }
    }

    /** Every detour in use. */
    public List<Route> all() {
        synchronized (routes) {
            return new ArrayList<>(routes.values());
        }
    }

    /** Where to connect to reach the OM at {@code om}: itself, or the local end of a tunnel through the relay. */
    public Address connectTo(Address om) {
        return connectTo(om, om);
    }

    /**
     * Where to connect to reach {@code target}, a listener of the peer whose OM is at {@code farOm}
     * (its OM itself, or its P2PSIP-Port): {@code target}, or the local end of a tunnel through the
     * relay when that peer is reached through one. If the tunnel cannot be opened the direct address
     * is used (and the reason logged): a detour is an improvement, never a new way to fail.
     */
    public Address connectTo(Address farOm, Address target) {
        Route r = of(farOm);
        if (r == null) {
            return target;
        }
        try {
            return detours.via(r.relayTcp(), target);
        } catch (OmException e) {
            log.warn("no tunnel to {} through relay {} ({}): connecting directly", target, r.relayTcp(), e.getMessage());
            return target;
        }
    }
}
