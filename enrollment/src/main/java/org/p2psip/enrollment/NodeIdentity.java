package org.p2psip.enrollment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * A peer's identity in a secured overlay, loaded from its security directory ({@link SecurityDir}):
 * its key and certificate, the Node-ID the CA assigned (carried in the certificate), the overlay
 * CA it trusts, and the credentials of the users it is home to. Builds the mutual-TLS context and
 * signs bytes.
 */
public final class NodeIdentity {
    private final Path dir;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final OverlayTrust trust;
    private final String nodeId;
    /** The users loaded so far (at start, and those enrolled since, on first use); bounded by the files in users/. */
    private final Map<String, UserCredential> users;
    private volatile SSLContext tls;

    private NodeIdentity(Path dir, PrivateKey key, X509Certificate certificate, OverlayTrust trust, String nodeId,
            Map<String, UserCredential> users) {
        this.dir = dir;
        this.key = key;
        this.certificate = certificate;
        this.trust = trust;
        this.nodeId = nodeId;
        this.users = users;
    }

    /**
     * Loads the identity in {@code dir}.
     *
     * @throws EnrollmentException naming the missing or bad file, with the command that enrolls the peer
     */
    public static NodeIdentity load(Path dir) {
        if (!Files.isRegularFile(dir.resolve(SecurityDir.NODE_CERT)) || !Files.isRegularFile(dir.resolve(SecurityDir.NODE_KEY))
                || !Files.isRegularFile(dir.resolve(SecurityDir.CA_CERT))) {
            throw new EnrollmentException("no peer certificate in " + dir + " (" + SecurityDir.CA_CERT + ", " + SecurityDir.NODE_CERT
                    + ", " + SecurityDir.NODE_KEY + "); enroll this peer with: " + SecurityDir.enrollCommand(dir));
        }
        X509Certificate ca = Pem.readCertificate(dir.resolve(SecurityDir.CA_CERT));
        X509Certificate cert = Pem.readCertificate(dir.resolve(SecurityDir.NODE_CERT));
        PrivateKey key = Pem.readPrivateKey(dir.resolve(SecurityDir.NODE_KEY));
        OverlayTrust trust = new OverlayTrust(ca);
        try {
            trust.check(cert, System.currentTimeMillis());
        } catch (CertificateException e) {
            throw new EnrollmentException(dir.resolve(SecurityDir.NODE_CERT) + ": " + e.getMessage());
        }
        String id = OverlayNames.nodeIdOf(cert).orElseThrow(() -> new EnrollmentException(
                dir.resolve(SecurityDir.NODE_CERT) + " carries no Node-ID (" + OverlayNames.NODE_PREFIX + "...): not a peer certificate"));
        return new NodeIdentity(dir, key, cert, trust, OverlayNames.checkNodeId(id), new ConcurrentHashMap<>(loadUsers(dir, trust)));
    }

    private static Map<String, UserCredential> loadUsers(Path dir, OverlayTrust trust) {
        Map<String, UserCredential> out = new TreeMap<>();
        Path users = dir.resolve(SecurityDir.USERS);
        if (!Files.isDirectory(users)) {
            return Collections.unmodifiableMap(out);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(users, "*.crt")) {
            for (Path crt : ds) {
                String file = crt.getFileName().toString();
                String name = file.substring(0, file.length() - ".crt".length());
                out.put(name, loadUser(dir, name, trust));
            }
        } catch (IOException e) {
            throw new EnrollmentException("cannot list " + users + ": " + e.getMessage(), e);
        }
        return Collections.unmodifiableMap(out);
    }

    private static UserCredential loadUser(Path dir, String name, OverlayTrust trust) {
        Path crt = SecurityDir.userCert(dir, name);
        X509Certificate c = Pem.readCertificate(crt);
        try {
            trust.check(c, System.currentTimeMillis());
        } catch (CertificateException e) {
            throw new EnrollmentException(crt + ": " + e.getMessage());
        }
        String inCert = OverlayNames.userOf(c).orElseThrow(() -> new EnrollmentException(crt + " carries no user name"));
        if (!inCert.equals(name)) {
            throw new EnrollmentException(crt + " is the certificate of user " + inCert + ", not of " + name);
        }
        return new UserCredential(name, Pem.readPrivateKey(SecurityDir.userKey(dir, name)), c);
    }

    public Path directory() {
        return dir;
    }

    /** The Node-ID the CA assigned: 40 hex digits, the id of this peer's lookup node. */
    public String nodeId() {
        return nodeId;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    public OverlayTrust trust() {
        return trust;
    }

    /** The mutual-TLS context: presents this node's certificate, trusts only the overlay CA. */
    public SSLContext tlsContext() {
        SSLContext c = tls;
        if (c == null) {
            c = OverlayTls.context(key, new X509Certificate[] {certificate}, trust.caCertificate());
            tls = c;
        }
        return c;
    }

    public byte[] sign(byte[] data) {
        return Signatures.sign(key, data);
    }

    /** The users this peer is home to, by name, as loaded so far. */
    public Map<String, UserCredential> users() {
        return Collections.unmodifiableMap(new TreeMap<>(users));
    }

    /**
     * User {@code name}'s credential if this peer holds it: loaded at start, or from {@code users/} on
     * first use (a user enrolled while the peer runs needs no restart). Empty for a malformed name.
     */
    public Optional<UserCredential> user(String name) {
        UserCredential u = users.get(name);
        if (u != null) {
            return Optional.of(u);
        }
        try {
            OverlayNames.checkUserName(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(SecurityDir.userCert(dir, name))) {
            return Optional.empty();
        }
        u = loadUser(dir, name, trust);
        users.put(name, u);
        return Optional.of(u);
    }
}
