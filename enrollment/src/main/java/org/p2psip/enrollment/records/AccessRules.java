package org.p2psip.enrollment.records;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.p2psip.enrollment.OverlayNames;

/**
 * Who may write which record (RELOAD's access control policies, per kind of key):
 * <ul>
 *   <li>{@code user:NAME} (a user record): only with the certificate of user NAME, held by her home peer;
 *   <li>{@code relay:*} (relay records): only the node the record names (its value starts with {@code NODEID@});
 *   <li>any other key: any member of the overlay (a node's or a user's certificate).
 * </ul>
 */
public final class AccessRules {
    public static final String USER_PREFIX = "user:";
    public static final String RELAY_PREFIX = "relay:";

    private AccessRules() {
    }

    /** Empty when {@code writer} may write {@code payload} under {@code key}; else why not. */
    public static Optional<String> refusal(String key, X509Certificate writer, String payload) {
        Optional<String> node = OverlayNames.nodeIdOf(writer);
        Optional<String> user = OverlayNames.userOf(writer);
        String who = node.map(n -> "node " + n).or(() -> user.map(u -> "user " + u)).orElse("a certificate naming nobody");
        if (key.startsWith(USER_PREFIX)) {
            String name = key.substring(USER_PREFIX.length());
            if (user.isEmpty() || !user.get().equals(name)) {
                return Optional.of(key + " may be written only with the certificate of user " + name + ", not by " + who);
            }
            return Optional.empty();
        }
        if (key.startsWith(RELAY_PREFIX)) {
            if (node.isEmpty() || !payload.startsWith(node.get() + "@")) {
                return Optional.of(key + " may be written only by the node its value names, not by " + who);
            }
            return Optional.empty();
        }
        if (node.isEmpty() && user.isEmpty()) {
            return Optional.of(key + " may be written only by a member of the overlay, not by " + who);
        }
        return Optional.empty();
    }
}
