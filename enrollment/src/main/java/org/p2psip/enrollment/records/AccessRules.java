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
 * And how much each kind may hold ({@link #maxPayloadBytes}, {@link #maxValuesPerKey}): a user record
 * names the peer serving her, one value per peer she is registered at, written only by her; a relay
 * record names one relay, one value per relay node; other keys get the store's general limits.
 */
public final class AccessRules {
    public static final String USER_PREFIX = "user:";
    public static final String RELAY_PREFIX = "relay:";
    /** A user record's payload at most (a node id, an OM IF address, NAT and TCP relay hints: about 100 bytes). */
    public static final int USER_PAYLOAD_BYTES = 512;
    /** A user's values under her key at most: the peers she is registered at, at once. */
    public static final int USER_VALUES_PER_KEY = 8;
    /** A relay record's payload at most (a node id, its OM IF and relay addresses, spare capacity). */
    public static final int RELAY_PAYLOAD_BYTES = 512;

    private AccessRules() {
    }

    /** The largest payload (UTF-8 bytes) a value under {@code key} may carry by its kind; other keys: unlimited here. */
    public static int maxPayloadBytes(String key) {
        if (key.startsWith(USER_PREFIX)) {
            return USER_PAYLOAD_BYTES;
        }
        if (key.startsWith(RELAY_PREFIX)) {
            return RELAY_PAYLOAD_BYTES;
        }
        return Integer.MAX_VALUE;
    }

    /** The most values (and deletion markers) a key may hold by its kind; other kinds: unlimited here. */
    public static int maxValuesPerKey(String key) {
        return key.startsWith(USER_PREFIX) ? USER_VALUES_PER_KEY : Integer.MAX_VALUE;
    }

    /** Empty when {@code writer} may write {@code payload} under {@code key}; else why not. */
    public static Optional<String> refusal(String key, X509Certificate writer, String payload) {
        int bytes = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > maxPayloadBytes(key)) {
            return Optional.of("a value under " + key + " carries " + bytes + " bytes, more than the "
                    + maxPayloadBytes(key) + " its kind may");
        }
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
