package org.p2psip.lookup.chord;

import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's rule in a secured overlay: a node is believed about its own id only when its
 * certificate carries that id (the CA chose it), so no node can place itself just before a key it
 * wants to hold. Checked for the messages in which a node speaks for itself: NOTIFY (a would-be
 * predecessor), JOINED (a new successor), TRANSFER (a joining node asking for its keys) and LEAVING.
 */
final class ClaimedIds {
    private static final Logger log = LoggerFactory.getLogger(ClaimedIds.class);
    /** Refusals so far: the first and every 1,000th are logged as warnings (a liar retries every stabilization round). */
    private static final java.util.concurrent.atomic.AtomicLong REFUSED = new java.util.concurrent.atomic.AtomicLong();

    private ClaimedIds() {
    }

    /**
     * @param certified the Node-ID in the sender's certificate; null on an unsecured wire (nothing to check)
     * @throws LookupException FORBIDDEN when {@code claimed} is another id
     */
    static void require(Id certified, NodeRef claimed, String message) {
        if (certified == null || certified.equals(claimed.id())) {
            return;
        }
        long n = REFUSED.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("refused {} from node {}: it claims to be {} (id {}), which its certificate does not say ({} refused so far)",
                    message, certified.shortHex(), claimed, claimed.id().toHex(), n);
        } else {
            log.debug("refused {} from node {}: it claims to be {}", message, certified.shortHex(), claimed);
        }
        throw new LookupException(Reason.FORBIDDEN, message + " refused: the sender's certificate carries Node-ID "
                + certified.toHex() + ", not the claimed " + claimed.id().toHex());
    }
}
