package org.p2psip.enrollment;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names the overlay CA writes into certificates, as subject-alternative-name URIs: a peer's
 * Node-ID ({@code p2psip:node:<40 hex digits>}, the 160-bit id of its lookup node, chosen by the CA)
 * and a user's name ({@code p2psip:user:alice}, the user part of her address of record).
 */
public final class OverlayNames {
    public static final String NODE_PREFIX = "p2psip:node:";
    public static final String USER_PREFIX = "p2psip:user:";
    /** SAN type of a uniformResourceIdentifier (RFC 5280 4.2.1.6). */
    private static final int SAN_URI = 6;
    private static final Pattern NODE_ID = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._+~-]{1,64}");

    private OverlayNames() {
    }

    /** The Node-ID a peer certificate carries, or empty for a certificate that names no node. */
    public static Optional<String> nodeIdOf(X509Certificate c) {
        return uriWithPrefix(c, NODE_PREFIX);
    }

    /** The user name a user certificate carries, or empty for a certificate that names no user. */
    public static Optional<String> userOf(X509Certificate c) {
        return uriWithPrefix(c, USER_PREFIX);
    }

    /** @throws IllegalArgumentException naming the rule when {@code id} is not 40 lower-case hex digits */
    public static String checkNodeId(String id) {
        if (id == null || !NODE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a Node-ID is 40 lower-case hex digits (160 bits), not '" + id + "'");
        }
        return id;
    }

    /** @throws IllegalArgumentException naming the rule when {@code name} is not a user name */
    public static String checkUserName(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 64 of A-Z a-z 0-9 . _ + ~ -, not '" + name + "'");
        }
        return name;
    }

    private static Optional<String> uriWithPrefix(X509Certificate c, String prefix) {
        Collection<List<?>> sans;
        try {
            sans = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (sans == null) {
            return Optional.empty();
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0)) && san.get(1) instanceof String) {
                String uri = (String) san.get(1);
                if (uri.startsWith(prefix)) {
                    return Optional.of(uri.substring(prefix.length()));
                }
            }
        }
        return Optional.empty();
    }
}
