package org.p2psip.sip.registrar;

import javax.sip.address.Address;
import javax.sip.address.URI;

/**
 * One registered contact of a user (RFC 3261 Sec. 10.3): the contact address, the Call-ID and CSeq of
 * the REGISTER that last set it, its absolute expiry, its q-value and the flow it came on. Immutable;
 * the {@link Address} is cloned on the way in and out.
 *
 * @param branch the top Via branch of the REGISTER that set it (a retransmission of that REGISTER carries
 *               the same; null if unknown, e.g. read back from the journal)
 * @param natted the UA's own view of its address (top Via sent-by) differed from the packets' real
 *               source, so requests for this contact are sent to {@code flow}
 */
public record Binding(Address contact, String callId, long cseq, long expiresAtMillis, float q, Flow flow, boolean natted,
                      String branch) {

    public URI uri() {
        return contact.getURI();
    }

    /** Seconds until expiry, rounded up, at {@code nowMillis} (0 if expired). */
    public int remainingSeconds(long nowMillis) {
        long ms = expiresAtMillis - nowMillis;
        return ms <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (ms + 999) / 1000);
    }

    public boolean isLive(long nowMillis) {
        return expiresAtMillis > nowMillis;
    }
}
