package org.p2psip.sip.registrar;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import javax.sip.header.ContactHeader;
import org.junit.Test;
import org.p2psip.sip.stack.SipStacks;

public class BindingUpdateTest {
    static final RegistrarPolicy POLICY = new RegistrarPolicy(60, 3600, 7200);
    static final Flow FLOW = new Flow("udp", "127.0.0.1", 5060);

    static ContactHeader contact(String uri, int expires) throws Exception {
        ContactHeader c = SipStacks.factories().header().createContactHeader(
                SipStacks.factories().address().createAddress(uri));
        if (expires >= 0) {
            c.setExpires(expires);
        }
        return c;
    }

    static BindingUpdate.Request req(List<ContactHeader> contacts, int expires, String callId, long cseq) {
        return req(contacts, expires, callId, cseq, "z9hG4bK-" + callId + "-" + cseq);
    }

    static BindingUpdate.Request req(List<ContactHeader> contacts, int expires, String callId, long cseq, String branch) {
        return new BindingUpdate.Request(contacts, false, expires, callId, cseq, FLOW, false, branch);
    }

    @Test
    public void addsRefreshesAndRemovesContacts() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(),
                req(List.of(contact("sip:bob@192.0.2.1", -1), contact("sip:bob@192.0.2.2", 120)), 600, "c1", 1), 0, POLICY);
        assertTrue(r.isOk());
        assertEquals(2, r.bindings().size());
        assertEquals(600, r.bindings().get(0).remainingSeconds(0));
        assertEquals(120, r.bindings().get(1).remainingSeconds(0));
        BindingUpdate.Result r2 = BindingUpdate.apply(r.bindings(), req(List.of(contact("sip:bob@192.0.2.1", 0)), -1, "c1", 2),
                1000, POLICY);
        assertEquals(1, r2.bindings().size());
        assertEquals("sip:bob@192.0.2.2", r2.bindings().get(0).uri().toString());
    }

    @Test
    public void defaultAndMaximumIntervals() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(), req(List.of(contact("sip:bob@192.0.2.1", -1)), -1, "c", 1), 0, POLICY);
        assertEquals(3600, r.bindings().get(0).remainingSeconds(0));
        r = BindingUpdate.apply(List.of(), req(List.of(contact("sip:bob@192.0.2.1", 999999)), -1, "c", 1), 0, POLICY);
        assertEquals(7200, r.bindings().get(0).remainingSeconds(0));
    }

    @Test
    public void tooBriefIs423AndChangesNothing() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(),
                req(List.of(contact("sip:bob@192.0.2.1", 3600), contact("sip:bob@192.0.2.2", 30)), -1, "c", 1), 0, POLICY);
        assertFalse(r.isOk());
        assertEquals(423, r.status());
        assertEquals(60, r.minExpires());
    }

    @Test
    public void outOfOrderCseqOnTheSameCallIdFails() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 5), 0, POLICY);
        BindingUpdate.Result again = BindingUpdate.apply(r.bindings(),
                req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 5, "z9hG4bK-another"), 0, POLICY);
        assertEquals("the same CSeq in another request (another branch)", 500, again.status());
        BindingUpdate.Result older = BindingUpdate.apply(r.bindings(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 4),
                0, POLICY);
        assertEquals(500, older.status());
        BindingUpdate.Result other = BindingUpdate.apply(r.bindings(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "d", 1),
                0, POLICY);
        assertTrue("another Call-ID replaces the binding", other.isOk());
    }

    @Test
    public void wildcardNeedsExpiresZeroAndRemovesAll() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(),
                req(List.of(contact("sip:bob@192.0.2.1", -1), contact("sip:bob@192.0.2.2", -1)), 600, "c", 1), 0, POLICY);
        ContactHeader star = SipStacks.factories().header().createContactHeader();
        star.setWildCard();
        BindingUpdate.Result bad = BindingUpdate.apply(r.bindings(),
                new BindingUpdate.Request(List.of(star), true, 600, "c", 2, FLOW, false, "z9hG4bK-star"), 0, POLICY);
        assertEquals(400, bad.status());
        BindingUpdate.Result gone = BindingUpdate.apply(r.bindings(),
                new BindingUpdate.Request(List.of(star), true, 0, "c", 2, FLOW, false, "z9hG4bK-star"), 0, POLICY);
        assertTrue(gone.isOk());
        assertTrue(gone.bindings().isEmpty());
    }

    @Test
    public void aRetransmissionIsAnsweredWithTheBindingsAsTheyAre() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(),
                req(List.of(contact("sip:bob@192.0.2.1", -1), contact("sip:bob@192.0.2.2", -1)), 600, "c", 5), 0, POLICY);
        // 10 s later the same REGISTER again (its 200 was lost): nothing moves, no new expiry, a 200
        BindingUpdate.Result again = BindingUpdate.apply(r.bindings(),
                req(List.of(contact("sip:bob@192.0.2.1", -1), contact("sip:bob@192.0.2.2", -1)), 600, "c", 5), 10_000, POLICY);
        assertTrue(again.isOk());
        assertTrue("a retransmission changes nothing", again.bindings() == r.bindings());
        // a retransmitted wildcard removal after the removal: nothing left to remove, a 200
        ContactHeader star = SipStacks.factories().header().createContactHeader();
        star.setWildCard();
        BindingUpdate.Request removeAll = new BindingUpdate.Request(List.of(star), true, 0, "c", 6, FLOW, false, "z9hG4bK-rm");
        BindingUpdate.Result gone = BindingUpdate.apply(r.bindings(), removeAll, 0, POLICY);
        assertTrue(gone.bindings().isEmpty());
        assertTrue(BindingUpdate.apply(gone.bindings(), removeAll, 1000, POLICY).isOk());
        // a request without a branch is never taken for a retransmission
        BindingUpdate.Result noBranch = BindingUpdate.apply(r.bindings(),
                req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 5, null), 0, POLICY);
        assertEquals(500, noBranch.status());
    }

    @Test
    public void queryReturnsTheCurrentBindings() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 1), 0, POLICY);
        BindingUpdate.Result q = BindingUpdate.apply(r.bindings(), req(List.of(), -1, "c", 2), 0, POLICY);
        assertTrue(q.bindings() == r.bindings());
    }
}
