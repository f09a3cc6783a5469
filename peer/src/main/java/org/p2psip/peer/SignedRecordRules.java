package org.p2psip.peer;

import org.p2psip.enrollment.records.RecordRefused;
import org.p2psip.enrollment.records.RecordVerifier;
import org.p2psip.enrollment.records.SignedValue;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.store.RecordRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storing node's side of signed records (secured overlay): its lookup node's store admits only
 * values signed by a writer the access rules allow ({@link RecordVerifier}), ordered by the writer's
 * storage time; anything else is refused with FORBIDDEN and a message saying why.
 */
final class SignedRecordRules implements RecordRules {
    private static final Logger log = LoggerFactory.getLogger(SignedRecordRules.class);
    private final RecordVerifier verifier;

    SignedRecordRules(RecordVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Admission admit(String key, String value, boolean removal, long now) {
        try {
            SignedValue v = verifier.verify(key, value, removal, now);
            return new Admission(v.storageTime(), removal ? Long.MAX_VALUE : v.storageTime() + v.ttlSeconds() * 1000L);
        } catch (RecordRefused e) {
            log.info("refused {} under {}: {}", removal ? "a removal" : "a value", key, e.getMessage());
            throw new LookupException(Reason.FORBIDDEN, "refused " + (removal ? "removal" : "value") + " under " + key + ": " + e.getMessage());
        }
    }

    @Override
    public int maxValuesPerKey(String key) {
        return org.p2psip.enrollment.records.AccessRules.maxValuesPerKey(key);
    }

    @Override
    public String identity(String value) {
        if (!SignedValue.looksSigned(value)) {
            return value;
        }
        try {
            return SignedValue.parse(value).payload();
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
