package org.p2psip.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which targets a public peer's TCP relay may {@code DIAL} (issue 13's signalling detours): overlay
 * peers its lookup node knows, so that the relay is not an open proxy. The rule: the target's host
 * is the host of a ring member in the lookup node's routing state (itself, its predecessor, its
 * successor list, its fingers), written the same way or the same IP address, and the port is at
 * least {@value #MIN_PORT}. Every OM IF and P2PSIP-Port overlay listener of a known peer passes
 * (they run on the host the peer advertises), and so does every public port rented on a known
 * relay peer for a peer behind a NAT. In a ring larger than the successor list plus the fingers,
 * peers the node does not route through are not dialable. No authentication (issue 15).
 *
 * <p>The member hosts are read from the lookup node every {@value #SAMPLE_SECONDS} s (and at a DIAL
 * if the last reading is over a second old) and stay dialable for {@value #MEMORY_MINUTES} minutes
 * after they were last seen: a ring member briefly out of the node's routing state while the ring
 * settles (another peer restarted) stays reachable (at most {@value #MAX_HOSTS} hosts remembered).
 */
final class RelayDialTargets implements Predicate<InetSocketAddress>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayDialTargets.class);

    /** Lowest port that may be dialled: no well-known services of a member's host. */
    static final int MIN_PORT = 1024;
    private static final long REFRESH_NANOS = 1_000_000_000L;
    static final int SAMPLE_SECONDS = 2;
    static final int MEMORY_MINUTES = 10;
    static final int MAX_HOSTS = 1024;
    private static final long MEMORY_NANOS = MEMORY_MINUTES * 60_000_000_000L;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Member hosts: as written (lower case) and, for IP literals, as addresses. */
    private record Known(Set<String> names, Set<InetAddress> addresses, long fetchedNanos) {
    }

    private final Supplier<? extends Collection<String>> memberHosts;
    /** Member hosts (lower case) and when they were last seen, least recently seen first. */
    private final java.util.LinkedHashMap<String, Long> seen = new java.util.LinkedHashMap<>(64, 0.75f, true);
    private volatile Known known;
    private java.util.concurrent.ScheduledExecutorService sampler;

    /** @param memberHosts the hosts of the ring members known now (asked at most once a second) */
    RelayDialTargets(Supplier<? extends Collection<String>> memberHosts) {
        this.memberHosts = Objects.requireNonNull(memberHosts);
    }

    /** The targets allowed by what {@code node} knows of the ring, sampled until {@link #close()}. */
    static RelayDialTargets of(ChordNode node) {
        RelayDialTargets t = new RelayDialTargets(() -> hostsOf(node.ringStatus()));
        t.sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "relay-dial-targets");
            th.setDaemon(true);
            return th;
        });
        t.sampler.scheduleWithFixedDelay(t::refresh, 0, SAMPLE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        return t;
    }

    /** Stops sampling the ring. */
    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** The hosts of a node, its predecessor, successors and fingers. */
    static Set<String> hostsOf(NodeStatus status) {
        Set<String> hosts = new HashSet<>();
        add(hosts, status.self());
        add(hosts, status.predecessor());
        status.successors().forEach(n -> add(hosts, n));
        status.fingers().forEach(n -> add(hosts, n));
        return hosts;
    }

    private static void add(Set<String> hosts, NodeRef node) {
        if (node != null) {
            hosts.add(node.host());
        }
    }

    @Override
    public boolean test(InetSocketAddress target) {
        if (target.getPort() < MIN_PORT) {
            return false;
        }
        Known k = known();
        if (k.names().contains(target.getHostString().toLowerCase(Locale.ROOT))) {
            return true;
        }
        InetAddress address = target.getAddress();
        return address != null && k.addresses().contains(address);
    }

    private Known known() {
        Known k = known;
        if (k != null && System.nanoTime() - k.fetchedNanos() < REFRESH_NANOS) {
            return k;
        }
        return refresh();
    }

    /** Reads the member hosts now, remembers them, and forgets those not seen for the memory span. */
    private synchronized Known refresh() {
        long now = System.nanoTime();
        try {
            for (String host : memberHosts.get()) {
                seen.put(host.toLowerCase(Locale.ROOT), now);
            }
        } catch (RuntimeException e) {
            // e.g. the node is closing: keep what was seen rather than fail the relay
            log.debug("ring members for the TCP relay's dial targets: {}", e.toString());
        }
        seen.values().removeIf(t -> now - t > MEMORY_NANOS);
        while (seen.size() > MAX_HOSTS) {
            seen.remove(seen.keySet().iterator().next());
        }
        Set<String> names = new HashSet<>(seen.keySet());
        Set<InetAddress> addresses = new HashSet<>();
        for (String host : names) {
            InetAddress literal = literal(host);
            if (literal != null) {
                addresses.add(literal);
            }
        }
        Known k = new Known(Set.copyOf(names), Set.copyOf(addresses), now);
        known = k;
        return k;
    }

    /** An IP literal as an address (no DNS lookup), or null for a host name. */
    private static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPV4.matcher(h).matches() && h.indexOf(':') < 0) {
            return null;
        }
        try {
            return InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
