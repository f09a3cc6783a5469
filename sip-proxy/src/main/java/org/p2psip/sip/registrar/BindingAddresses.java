package org.p2psip.sip.registrar;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.address.SipURI;

/**
 * Which users have a binding at a {@code host:port} (its contact, or its flow: where the REGISTER came
 * from), so that the forwarding policy's "is this a phone registered here?" costs a map look-up per
 * in-dialog request instead of a pass over every binding. Kept by the {@link Registrar} with its store;
 * an entry may outlive its binding's expiry until the sweep removes it, so the registrar checks the
 * bindings it points to.
 */
final class BindingAddresses {
    private final Map<String, Set<String>> usersAt = new ConcurrentHashMap<>();

    static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The keys a binding is reachable at: its flow's and its contact's (port 5060 when the URI has none). */
    static Set<String> keysOf(Binding b) {
        Set<String> out = new java.util.HashSet<>(2);
        if (b.flow() != null) {
            out.add(key(b.flow().host(), b.flow().port()));
        }
        if (b.uri() instanceof SipURI u && u.getHost() != null) {
            out.add(key(u.getHost(), u.getPort() > 0 ? u.getPort() : 5060));
        }
        return out;
    }

    /** {@code user}'s bindings changed from {@code before} to {@code after} (either may be empty). */
    void changed(String user, List<Binding> before, List<Binding> after) {
        Set<String> now = new java.util.HashSet<>();
        for (Binding b : after) {
            now.addAll(keysOf(b));
        }
        for (String k : now) {
            usersAt.computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(user);
        }
        for (Binding b : before) {
            for (String k : keysOf(b)) {
                if (!now.contains(k)) {
                    usersAt.computeIfPresent(k, (x, users) -> {
                        users.remove(user);
                        return users.isEmpty() ? null : users;
                    });
                }
            }
        }
    }

    /** The users with a binding at {@code host:port} (possibly expired), or an empty set. */
    Set<String> usersAt(String host, int port) {
        return usersAt.getOrDefault(key(host, port), Set.of());
    }

    /** Addresses known (for tests and status). */
    int size() {
        return usersAt.size();
    }
}
