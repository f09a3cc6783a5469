package org.p2psip.sip.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.Test;
import org.p2psip.sip.stack.SipStacks;

/** Digest authentication: the RFC's test vectors, the users file, nonces, and checking a request. */
public class DigestAuthenticatorTest {
    static final HeaderFactory H = SipStacks.factories().header();

    @Test
    public void rfc2617Md5Vector() {
        // RFC 2617 Sec. 3.5
        assertEquals("6629fae49393a05397450978507c4ef1", DigestAuthenticator.digest("MD5", "Mufasa", "testrealm@host.com",
                "Circle Of Life", "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b"));
    }

    @Test
    public void rfc7616Sha256Vector() {
        // RFC 7616 Sec. 3.9.1 (the algorithm RFC 8760 brings to SIP)
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", DigestAuthenticator.digest("SHA-256",
                "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
                "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"));
    }

    @Test
    public void usersFileLinesAndErrors() {
        SipUsers u = SipUsers.parse(List.of("# users", "", "alice:secret", " bob : pass:with:colons "), "users.txt");
        assertEquals(2, u.size());
        assertEquals("secret", u.password("alice"));
        assertEquals(" pass:with:colons", u.password("bob"));
        assertNull(u.password("carol"));
        for (List<String> bad : List.of(List.of("alice"), List.of("alice:"), List.of(":pw"), List.of("a b:pw"),
                List.of("alice:x", "alice:y"))) {
            try {
                SipUsers.parse(bad, "users.txt");
                fail("accepted " + bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("users file users.txt line "));
            }
        }
    }

    @Test
    public void noncesExpireAndForgeriesAreRefused() {
        AtomicLong now = new AtomicLong(1_000_000);
        Nonces n = new Nonces(300_000, now::get);
        String nonce = n.issue();
        assertEquals(Nonces.State.VALID, n.check(nonce));
        now.addAndGet(300_001);
        assertEquals(Nonces.State.STALE, n.check(nonce));
        assertEquals(Nonces.State.INVALID, n.check("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertEquals(Nonces.State.INVALID, n.check(new Nonces(300_000, now::get).issue()));
        assertEquals(Nonces.State.INVALID, n.check(null));
        assertEquals(Nonces.State.INVALID, n.check("x".repeat(1000)));
    }

    private static Request register(String user) throws Exception {
        var af = SipStacks.factories().address();
        SipURI aor = af.createSipURI(user, "127.0.0.1");
        return SipStacks.factories().message().createRequest(af.createSipURI(null, "127.0.0.1"), Request.REGISTER,
                H.createCallIdHeader("c1"), H.createCSeqHeader(1L, Request.REGISTER),
                H.createFromHeader(af.createAddress(aor), "t1"), H.createToHeader(af.createAddress(aor), null),
                List.of(H.createViaHeader("127.0.0.1", 5070, "udp", "z9hG4bK1")), H.createMaxForwardsHeader(70));
    }

    private static AuthorizationHeader answer(DigestAuthenticator a, Request r, WWWAuthenticateHeader c, String user,
                                              String password) throws Exception {
        AuthorizationHeader h = H.createAuthorizationHeader("Digest");
        h.setUsername(user);
        h.setRealm(c.getRealm());
        h.setNonce(c.getNonce());
        h.setURI(r.getRequestURI());
        h.setAlgorithm(c.getAlgorithm());
        h.setQop("auth");
        h.setCNonce("abc");
        h.setNonceCount(1);
        h.setResponse(DigestAuthenticator.digest(c.getAlgorithm(), user, c.getRealm(), password, r.getMethod(),
                r.getRequestURI().toString(), c.getNonce(), "auth", "00000001", "abc"));
        return h;
    }

    @Test
    public void aRegisterIsAdmittedOnlyWithItsOwnUsersRightPassword() throws Exception {
        DigestAuthenticator a = new DigestAuthenticator(SipUsers.parse(List.of("alice:wonder", "bob:builder"), "t"),
                "p2psip", List.of("MD5", "SHA-256"), new Nonces(300_000));
        Response challenge = SipStacks.factories().message().createResponse(401, register("alice"));
        a.challenge(challenge, H, false);
        List<WWWAuthenticateHeader> offered = new java.util.ArrayList<>();
        challenge.getHeaders(WWWAuthenticateHeader.NAME).forEachRemaining(h -> offered.add((WWWAuthenticateHeader) h));
        assertEquals("one challenge per algorithm, in order", List.of("MD5", "SHA-256"),
                offered.stream().map(WWWAuthenticateHeader::getAlgorithm).toList());
        assertFalse(a.check(register("alice"), "alice").admitted());
        for (WWWAuthenticateHeader c : offered) {
            Request ok = register("alice");
            ok.addHeader(answer(a, ok, c, "alice", "wonder"));
            assertTrue(c.getAlgorithm(), a.check(ok, "alice").admitted());
            Request wrong = register("alice");
            wrong.addHeader(answer(a, wrong, c, "alice", "guess"));
            assertEquals("wrong password for alice", a.check(wrong, "alice").why());
            Request bobAsAlice = register("alice");
            bobAsAlice.addHeader(answer(a, bobAsAlice, c, "bob", "builder"));
            assertFalse("bob's credentials do not register alice", a.check(bobAsAlice, "alice").admitted());
        }
        Response proxy = SipStacks.factories().message().createResponse(407, register("alice"));
        a.challenge(proxy, H, true);
        ProxyAuthenticateHeader p = (ProxyAuthenticateHeader) proxy.getHeader(ProxyAuthenticateHeader.NAME);
        assertEquals("true", p.getParameter("stale"));
    }
}
