package org.p2psip.sip.registrar;

import java.util.ArrayList;
import java.util.List;
import javax.sip.address.Address;
import javax.sip.header.ContactHeader;

/**
 * The binding update of RFC 3261 Sec. 10.3 steps 6-7, as a pure function of the current bindings and
 * one REGISTER: wildcard removal, per-contact expiry (Contact parameter, then Expires header, then the
 * default), 423 for a too brief interval, and the Call-ID/CSeq ordering rule.
 * <p>
 * A retransmission of the REGISTER that set a binding (the same Call-ID, CSeq and top Via branch,
 * RFC 3261 Sec. 17.2.3) is answered with the bindings as they are: the P2PSIP-Port answers REGISTERs
 * over UDP without a server transaction (a stateless UAS, RFC 3261 Sec. 8.2.7), so the registrar absorbs
 * the retransmissions a transaction would have.
 */
public final class BindingUpdate {
    /** Most contacts one user may have registered at this peer. */
    public static final int MAX_CONTACTS = 32;

    private BindingUpdate() {
    }

    /** What a REGISTER asks for, already taken out of the SIP message. */
    public record Request(List<ContactHeader> contacts, boolean wildcard, int expiresHeader, String callId, long cseq,
                         Flow flow, boolean natted, String branch) {
        /** Whether this is a retransmission of the REGISTER that set {@code b}. */
        boolean retransmits(Binding b) {
            return branch != null && cseq == b.cseq() && branch.equals(b.branch()) && callId.equals(b.callId());
        }
    }

    /** Either the new bindings, or the SIP error to answer with. */
    public record Result(List<Binding> bindings, int status, String reason, int minExpires) {
        static Result ok(List<Binding> b) {
            return new Result(b, 200, "OK", 0);
        }

        static Result error(int status, String reason) {
            return new Result(null, status, reason, 0);
        }

        public boolean isOk() {
            return bindings != null;
        }
    }

    public static Result apply(List<Binding> current, Request r, long now, RegistrarPolicy policy) {
        if (r.wildcard()) {
            if (r.contacts().size() != 1 || r.expiresHeader() != 0) {
                return Result.error(400, "Bad Request (Contact: * needs Expires: 0 and no other Contact)");
            }
            for (Binding b : current) {
                if (r.retransmits(b)) {
                    return Result.ok(current);
                }
                if (b.callId().equals(r.callId()) && r.cseq() <= b.cseq()) {
                    return Result.error(500, "Server Internal Error (REGISTER out of order: CSeq not above the binding's)");
                }
            }
            return Result.ok(List.of());
        }
        if (r.contacts().isEmpty()) {
            return Result.ok(current);
        }
        // every interval first: a 423 must not leave half the contacts applied
        int[] expires = new int[r.contacts().size()];
        for (int i = 0; i < expires.length; i++) {
            ContactHeader c = r.contacts().get(i);
            int e = c.getExpires();
            if (e < 0) {
                e = r.expiresHeader() >= 0 ? r.expiresHeader() : policy.defaultExpires();
            }
            if (e != 0 && e < policy.minExpires()) {
                return new Result(null, 423, "Interval Too Brief", policy.minExpires());
            }
            expires[i] = Math.min(e, policy.maxExpires());
        }
        List<Binding> next = new ArrayList<>(current);
        for (int i = 0; i < expires.length; i++) {
            ContactHeader c = r.contacts().get(i);
            Address address = (Address) c.getAddress().clone();
            int found = -1;
            for (int j = 0; j < next.size(); j++) {
                if (next.get(j).uri().equals(address.getURI())) {
                    found = j;
                    break;
                }
            }
            if (found >= 0) {
                Binding old = next.get(found);
                if (r.retransmits(old)) {
                    return Result.ok(current);
                }
                if (old.callId().equals(r.callId()) && r.cseq() <= old.cseq()) {
                    return Result.error(500, "Server Internal Error (REGISTER out of order: CSeq not above the binding's)");
                }
                next.remove(found);
            }
            if (expires[i] > 0) {
                float q = c.getQValue();
                next.add(new Binding(address, r.callId(), r.cseq(), now + expires[i] * 1000L, q, r.flow(), r.natted(), r.branch()));
            }
        }
        if (next.size() > MAX_CONTACTS) {
            return Result.error(403, "Forbidden (more than " + MAX_CONTACTS + " contacts for one user)");
        }
        return Result.ok(List.copyOf(next));
    }
}
