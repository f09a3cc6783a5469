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
        return new BindingUpdate.Request(contacts, false, expires, callId, cseq, FLOW, false);
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
        BindingUpdate.Result again = BindingUpdate.apply(r.bindings(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 5),
                0, POLICY);
        assertEquals(500, again.status());
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
                new BindingUpdate.Request(List.of(star), true, 600, "c", 2, FLOW, false), 0, POLICY);
        assertEquals(400, bad.status());
        BindingUpdate.Result gone = BindingUpdate.apply(r.bindings(),
                new BindingUpdate.Request(List.of(star), true, 0, "c", 2, FLOW, false), 0, POLICY);
        assertTrue(gone.isOk());
        assertTrue(gone.bindings().isEmpty());
    }

    @Test
    public void queryReturnsTheCurrentBindings() throws Exception {
        BindingUpdate.Result r = BindingUpdate.apply(List.of(), req(List.of(contact("sip:bob@192.0.2.1", -1)), 600, "c", 1), 0, POLICY);
        BindingUpdate.Result q = BindingUpdate.apply(r.bindings(), req(List.of(), -1, "c", 2), 0, POLICY);
        assertTrue(q.bindings() == r.bindings());
    }
}
