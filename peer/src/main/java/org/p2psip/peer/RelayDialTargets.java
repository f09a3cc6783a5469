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
 * <p>The member hosts are read from the lookup node at most once a second.
 */
final class RelayDialTargets implements Predicate<InetSocketAddress> {

    private static final Logger log = LoggerFactory.getLogger(RelayDialTargets.class);

    /** Lowest port that may be dialled: no well-known services of a member's host. */
    static final int MIN_PORT = 1024;
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Member hosts: as written (lower case) and, for IP literals, as addresses. */
    private record Known(Set<String> names, Set<InetAddress> addresses, long fetchedNanos) {
    }

    private final Supplier<? extends Collection<String>> memberHosts;
    private volatile Known known;

    /** @param memberHosts the hosts of the ring members known now (asked at most once a second) */
    RelayDialTargets(Supplier<? extends Collection<String>> memberHosts) {
        this.memberHosts = Objects.requireNonNull(memberHosts);
    }

    /** The targets allowed by what {@code node} knows of the ring. */
    static RelayDialTargets of(ChordNode node) {
        return new RelayDialTargets(() -> hostsOf(node.status()));
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
        long now = System.nanoTime();
        if (k != null && now - k.fetchedNanos() < REFRESH_NANOS) {
            return k;
        }
        Set<String> names = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (String host : memberHosts.get()) {
                names.add(host.toLowerCase(Locale.ROOT));
                InetAddress literal = literal(host);
                if (literal != null) {
                    addresses.add(literal);
                }
            }
        } catch (RuntimeException e) {
            // e.g. the node is closing: allow nothing rather than fail the relay
            log.debug("ring members for the TCP relay's dial targets: {}", e.toString());
        }
        k = new Known(Set.copyOf(names), Set.copyOf(addresses), now);
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
