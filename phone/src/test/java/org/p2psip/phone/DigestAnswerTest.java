package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.Test;
import org.p2psip.sip.stack.SipStacks;

/** The phone's answer to a digest challenge: SHA-256 when offered (RFC 8760), else MD5, RFC 2617 arithmetic. */
public class DigestAnswerTest {
    static final HeaderFactory H = SipStacks.factories().header();
    static final AddressFactory A = SipStacks.factories().address();

    static Request invite() throws Exception {
        SipURI to = A.createSipURI("bob", "127.0.0.1");
        return SipStacks.factories().message().createRequest(to, Request.INVITE, H.createCallIdHeader("c1"),
                H.createCSeqHeader(2L, Request.INVITE), H.createFromHeader(A.createAddress(A.createSipURI("alice", "127.0.0.1")),
                        "f1"), H.createToHeader(A.createAddress(to), null),
                List.of(H.createViaHeader("127.0.0.1", 5070, "udp", "z9hG4bK1")), H.createMaxForwardsHeader(70));
    }

    static Response challenge(String... algorithms) throws Exception {
        Response r = SipStacks.factories().message().createResponse(407, invite());
        for (String a : algorithms) {
            ProxyAuthenticateHeader h = H.createProxyAuthenticateHeader("Digest");
            h.setRealm("p2psip");
            h.setNonce("n-" + a);
            h.setAlgorithm(a);
            h.setQop("auth");
            r.addHeader(h);
        }
        return r;
    }

    static String hash(String algorithm, String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    public void sha256IsTakenWhenOfferedWhateverTheOrder() throws Exception {
        for (Response c : List.of(challenge("MD5", "SHA-256"), challenge("SHA-256", "MD5"))) {
            Request next = invite();
            AuthorizationHeader a = DigestAnswer.answer(c, next, "alice", "pw", H);
            assertEquals("SHA-256", a.getAlgorithm());
            assertEquals("n-SHA-256", a.getNonce());
            String ha1 = hash("SHA-256", "alice:p2psip:pw");
            String ha2 = hash("SHA-256", "INVITE:" + next.getRequestURI());
            assertEquals(hash("SHA-256", ha1 + ":n-SHA-256:00000001:" + a.getCNonce() + ":auth:" + ha2), a.getResponse());
            assertEquals("Proxy-Authorization", a.getName());
        }
    }

    @Test
    public void md5WhenThatIsAllThatIsOfferedAndNothingForUnknownAlgorithms() throws Exception {
        assertEquals("MD5", DigestAnswer.answer(challenge("MD5"), invite(), "alice", "pw", H).getAlgorithm());
        assertNull(DigestAnswer.answer(challenge("SHA-512-256"), invite(), "alice", "pw", H));
    }
}
