package org.p2psip.peer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.UserCredential;
import org.p2psip.enrollment.records.AccessRules;
import org.p2psip.enrollment.records.RecordRefused;
import org.p2psip.enrollment.records.RecordSigner;
import org.p2psip.enrollment.records.RecordVerifier;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.LookupService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookup service (interface 3) as the Overlay Manager of a secured peer uses it: every value it
 * puts or removes is signed, a user record ({@code user:NAME}) with the certificate of user NAME
 * (this peer holds it: her home peer), anything else with this node's; every value it gets is
 * checked as the storing nodes check it, and forged ones are ignored. The OM sees payloads only, as
 * in an unsecured overlay.
 */
final class SignedLookup implements LookupService {
    private static final Logger log = LoggerFactory.getLogger(SignedLookup.class);

    private final LookupService ring;
    private final NodeIdentity identity;
    private final RecordVerifier verifier;
    private final RecordSigner node;
    /** One signer per user this peer is home to (bounded by the users enrolled here). */
    private final Map<String, RecordSigner> users = new ConcurrentHashMap<>();

    SignedLookup(LookupService ring, NodeIdentity identity, RecordVerifier verifier) {
        this.ring = ring;
        this.identity = identity;
        this.verifier = verifier;
        this.node = new RecordSigner(identity.key(), identity.certificate());
    }

    @Override
    public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
        RecordSigner s;
        try {
            s = signerFor(key);
        } catch (LookupException e) {
            return CompletableFuture.failedFuture(e);
        }
        return ring.put(key, s.put(key, value, ttlSeconds), ttlSeconds);
    }

    @Override
    public CompletableFuture<Void> remove(String key, String value) {
        RecordSigner s;
        try {
            s = signerFor(key);
        } catch (LookupException e) {
            return CompletableFuture.failedFuture(e);
        }
        return ring.remove(key, s.remove(key, value));
    }

    @Override
    public CompletableFuture<List<String>> get(String key) {
        return ring.get(key).thenApply(values -> checked(key, values));
    }

    /** The payloads of the values under {@code key} that pass the checks; the others are ignored. */
    private List<String> checked(String key, List<String> values) {
        long now = System.currentTimeMillis();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            try {
                out.add(verifier.verify(key, v, false, now).payload());
            } catch (RecordRefused e) {
                log.info("ignored a value under {}: {}", key, e.getMessage());
            }
        }
        return new ArrayList<>(out);
    }

    private RecordSigner signerFor(String key) {
        if (!key.startsWith(AccessRules.USER_PREFIX)) {
            return node;
        }
        String name = key.substring(AccessRules.USER_PREFIX.length());
        RecordSigner s = users.get(name);
        if (s != null) {
            return s;
        }
        UserCredential u = identity.user(name).orElseThrow(() -> new LookupException(Reason.FORBIDDEN,
                "this peer holds no certificate of user " + name + " (her records are written by her home peer; enroll her here with"
                        + " ./p2psip ca enroll-user " + name + " --peer " + identity.directory() + " --ca CA_DIR)"));
        return users.computeIfAbsent(name, n -> new RecordSigner(u.key(), u.certificate()));
    }

    @Override
    public void close() {
        ring.close();
    }
}
