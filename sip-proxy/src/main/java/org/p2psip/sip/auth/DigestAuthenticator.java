package org.p2psip.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * SIP digest authentication at the P2PSIP-Port (RFC 3261 Sec. 22, RFC 2617 with {@code qop=auth} or
 * without qop, RFC 8760 algorithms {@code SHA-256} and {@code MD5}): checks the credentials a phone
 * sent for one of the {@link SipUsers} and makes the challenges (401 with WWW-Authenticate for a
 * registrar's REGISTER, 407 with Proxy-Authenticate for a proxy's INVITE; one challenge per offered
 * algorithm, in the configured order, since a phone uses the first it supports). The credentials must
 * be those of the user the request is about (the registered address-of-record, the caller), so bob's
 * password does not register alice. Nonces: {@link Nonces}. Thread-safe.
 */
public final class DigestAuthenticator {
    /** Algorithms a phone may use, as RFC 8760 names them. */
    public static final List<String> ALGORITHMS = List.of("SHA-256", "MD5");

    /** Outcome of checking a request's credentials. */
    public record Verdict(boolean admitted, boolean stale, String why) {
        static Verdict ok() {
            return new Verdict(true, false, null);
        }

        static Verdict no(String why) {
            return new Verdict(false, false, why);
        }
    }

    private final SipUsers users;
    private final String realm;
    private final List<String> offered;
    private final Nonces nonces;

    /**
     * @param offered algorithms to challenge with, in order (each one of {@link #ALGORITHMS})
     */
    public DigestAuthenticator(SipUsers users, String realm, List<String> offered, Nonces nonces) {
        for (String a : offered) {
            if (!ALGORITHMS.contains(a)) {
                throw new IllegalArgumentException("digest algorithm '" + a + "' is not one of " + ALGORITHMS);
            }
        }
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("at least one digest algorithm must be offered");
        }
        this.users = users;
        this.realm = realm;
        this.offered = List.copyOf(offered);
        this.nonces = nonces;
    }

    public SipUsers users() {
        return users;
    }

    public String realm() {
        return realm;
    }

    public List<String> offered() {
        return offered;
    }

    /**
     * Whether {@code req} carries valid credentials of {@code user} for this realm
     * (Authorization for a REGISTER, Proxy-Authorization otherwise).
     */
    public Verdict check(Request req, String user) {
        if (!users.contains(user)) {
            return Verdict.no("unknown user " + user);
        }
        String header = Request.REGISTER.equals(req.getMethod()) ? AuthorizationHeader.NAME : ProxyAuthorizationHeader.NAME;
        boolean sawStale = false;
        String why = "no credentials";
        for (Iterator<?> it = req.getHeaders(header); it.hasNext(); ) {
            AuthorizationHeader a = (AuthorizationHeader) it.next();
            if (!"Digest".equalsIgnoreCase(a.getScheme()) || !realm.equals(a.getRealm())) {
                continue;
            }
            if (!user.equals(a.getUsername())) {
                why = "credentials of " + a.getUsername() + ", not of " + user;
                continue;
            }
            String algorithm = a.getAlgorithm() == null ? "MD5" : a.getAlgorithm().toUpperCase(Locale.ROOT);
            if (!offered.contains(algorithm)) {
                why = "algorithm " + algorithm + " not offered";
                continue;
            }
            Nonces.State state = nonces.check(a.getNonce());
            if (state == Nonces.State.INVALID) {
                why = "a nonce this port did not issue";
                continue;
            }
            String expected = response(algorithm, user, users.password(user), req.getMethod(), uri(a), a.getNonce(),
                    a.getQop(), a.getParameter("nc"), a.getCNonce());
            if (expected == null || a.getResponse() == null
                    || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    a.getResponse().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                why = "wrong password for " + user;
                continue;
            }
            if (state == Nonces.State.STALE) {
                sawStale = true;
                continue;
            }
            return Verdict.ok();
        }
        return sawStale ? new Verdict(false, true, "stale nonce") : Verdict.no(why);
    }

    private static String uri(AuthorizationHeader a) {
        String raw = a.getParameter("uri");
        if (raw != null) {
            return raw;
        }
        return a.getURI() == null ? "" : a.getURI().toString();
    }

    /** Adds one challenge per offered algorithm to {@code r} (a 401 or a 407). */
    public void challenge(Response r, HeaderFactory headers, boolean stale) throws ParseException {
        boolean proxy = r.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        for (String algorithm : offered) {
            WWWAuthenticateHeader h = proxy ? headers.createProxyAuthenticateHeader("Digest")
                    : headers.createWWWAuthenticateHeader("Digest");
            h.setRealm(realm);
            h.setNonce(nonces.issue());
            h.setAlgorithm(algorithm);
            h.setQop("auth");
            if (stale) {
                h.setStale(true);
            }
            r.addHeader(proxy ? (ProxyAuthenticateHeader) h : h);
        }
    }

    /**
     * The digest response RFC 2617 / RFC 8760 define: {@code H(H(A1):nonce:nc:cnonce:qop:H(A2))} with
     * qop {@code auth}, {@code H(H(A1):nonce:H(A2))} without; A1 = user:realm:password, A2 =
     * method:uri. Null for a qop other than {@code auth}.
     */
    public String response(String algorithm, String user, String password, String method, String uri, String nonce,
                           String qop, String nc, String cnonce) {
        return digest(algorithm, user, realm, password, method, uri, nonce, qop, nc, cnonce);
    }

    /** The digest response for any realm (the phone's side uses it too). */
    public static String digest(String algorithm, String user, String realm, String password, String method, String uri,
                                String nonce, String qop, String nc, String cnonce) {
        String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
        String ha2 = hash(algorithm, method + ":" + uri);
        if (qop == null || qop.isEmpty()) {
            return hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
        }
        if (!"auth".equalsIgnoreCase(qop)) {
            return null;
        }
        return hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop.toLowerCase(Locale.ROOT) + ":" + ha2);
    }

    private static String hash(String algorithm, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " not available", e);
        }
    }
}
