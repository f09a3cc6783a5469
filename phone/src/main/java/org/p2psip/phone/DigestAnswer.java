package org.p2psip.phone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The phone's answer to a digest challenge (RFC 3261 Sec. 22.2, RFC 2617, RFC 8760): from a 401's
 * WWW-Authenticate or a 407's Proxy-Authenticate, the Authorization (or Proxy-Authorization) header
 * for the request sent again. Of the challenges offered it takes SHA-256 if there is one, else MD5;
 * {@code qop=auth} when offered, with a fresh cnonce and nonce count 1 (a new nonce per challenge).
 */
final class DigestAnswer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DigestAnswer() {
    }

    /**
     * The credentials header for {@code next} (the request to send again), or null if {@code challenge}
     * offers no Digest challenge in an algorithm the phone knows.
     */
    static AuthorizationHeader answer(Response challenge, Request next, String user, String password, HeaderFactory headers)
            throws ParseException {
        boolean proxy = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        WWWAuthenticateHeader best = null;
        for (Iterator<?> it = challenge.getHeaders(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
             it.hasNext(); ) {
            WWWAuthenticateHeader h = (WWWAuthenticateHeader) it.next();
            String a = algorithm(h);
            if (!"Digest".equalsIgnoreCase(h.getScheme()) || !(a.equals("MD5") || a.equals("SHA-256"))) {
                continue;
            }
            if (best == null || a.equals("SHA-256") && !algorithm(best).equals("SHA-256")) {
                best = h;
            }
        }
        if (best == null) {
            return null;
        }
        String algorithm = algorithm(best);
        String uri = next.getRequestURI().toString();
        boolean qopAuth = best.getQop() != null && best.getQop().toLowerCase(Locale.ROOT).contains("auth");
        String cnonce = HexFormat.of().formatHex(RANDOM.generateSeed(8));
        String nc = "00000001";
        String ha1 = hash(algorithm, user + ":" + best.getRealm() + ":" + password);
        String ha2 = hash(algorithm, next.getMethod() + ":" + uri);
        String response = qopAuth ? hash(algorithm, ha1 + ":" + best.getNonce() + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : hash(algorithm, ha1 + ":" + best.getNonce() + ":" + ha2);
        AuthorizationHeader a = proxy ? headers.createProxyAuthorizationHeader("Digest")
                : headers.createAuthorizationHeader("Digest");
        a.setUsername(user);
        a.setRealm(best.getRealm());
        a.setNonce(best.getNonce());
        a.setURI(next.getRequestURI());
        a.setResponse(response);
        a.setAlgorithm(algorithm);
        if (best.getOpaque() != null) {
            a.setOpaque(best.getOpaque());
        }
        if (qopAuth) {
            a.setQop("auth");
            a.setCNonce(cnonce);
            a.setNonceCount(1);
        }
        return a;
    }

    private static String algorithm(WWWAuthenticateHeader h) {
        return h.getAlgorithm() == null ? "MD5" : h.getAlgorithm().toUpperCase(Locale.ROOT);
    }

    private static String hash(String algorithm, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " not available", e);
        }
    }
}
