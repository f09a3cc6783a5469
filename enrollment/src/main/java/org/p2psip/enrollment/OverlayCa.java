package org.p2psip.enrollment;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The overlay's certificate authority (RELOAD's enrollment server, RFC 6940 sec. 11): its key and
 * self-signed certificate in a directory ({@code ca.key}, {@code ca.crt}); it issues peer
 * certificates carrying the Node-ID it chooses (random, 160 bits) and user certificates carrying the
 * user's name. Keys are EC P-256, signatures ECDSA with SHA-256.
 */
public final class OverlayCa {
    public static final String CA_KEY = "ca.key";
    public static final String CA_CERT = "ca.crt";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration MEMBER_VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final PrivateKey key;
    private final X509Certificate certificate;

    private OverlayCa(Path dir, PrivateKey key, X509Certificate certificate) {
        this.dir = dir;
        this.key = key;
        this.certificate = certificate;
    }

    /**
     * Creates a new overlay CA in {@code dir} (created if needed, mode 700).
     *
     * @throws EnrollmentException when {@code dir} already holds a CA (it is never overwritten)
     */
    public static OverlayCa init(Path dir, String overlayName) throws IOException {
        if (Files.exists(dir.resolve(CA_KEY)) || Files.exists(dir.resolve(CA_CERT))) {
            throw new EnrollmentException(dir + " already holds an overlay CA (" + CA_CERT + "); it is not overwritten");
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        KeyPair kp = newKeyPair();
        X500Name name = name("p2psip overlay CA " + overlayName);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), notBefore(),
                notAfter(CA_VALIDITY), name, kp.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (CertIOException e) {
            throw new EnrollmentException("cannot build the CA certificate: " + e.getMessage(), e);
        }
        X509Certificate cert = sign(b, kp.getPrivate());
        Pem.writePrivateKey(dir.resolve(CA_KEY), kp.getPrivate());
        Pem.writeCertificate(dir.resolve(CA_CERT), cert);
        return new OverlayCa(dir, kp.getPrivate(), cert);
    }

    /** The CA in {@code dir}, as {@link #init} made it. */
    public static OverlayCa load(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CA_KEY))) {
            throw new EnrollmentException("no overlay CA in " + dir + " (missing " + CA_KEY + "); make one with: ./p2psip ca init " + dir);
        }
        return new OverlayCa(dir, Pem.readPrivateKey(dir.resolve(CA_KEY)), Pem.readCertificate(dir.resolve(CA_CERT)));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Enrolls a new peer: a key pair, a Node-ID chosen here, and the certificate binding them,
     * written with the CA's certificate into {@code peerDir} ({@link SecurityDir}).
     *
     * @return the Node-ID assigned
     * @throws EnrollmentException when {@code peerDir} already holds a peer certificate
     */
    public String enrollPeer(Path peerDir) throws IOException {
        byte[] id = new byte[20];
        RANDOM.nextBytes(id);
        return enrollPeer(peerDir, HexFormat.of().formatHex(id));
    }

    /** Enrolls a peer with the given Node-ID (tests; the CA's own choice is {@link #enrollPeer(Path)}). */
    public String enrollPeer(Path peerDir, String nodeId) throws IOException {
        OverlayNames.checkNodeId(nodeId);
        if (Files.exists(peerDir.resolve(SecurityDir.NODE_CERT))) {
            throw new EnrollmentException(peerDir + " already holds a peer certificate (" + SecurityDir.NODE_CERT + "); it is not overwritten");
        }
        Files.createDirectories(peerDir);
        Files.setPosixFilePermissions(peerDir, PosixFilePermissions.fromString("rwx------"));
        KeyPair kp = newKeyPair();
        X509Certificate c = issue(kp.getPublic(), "node " + nodeId.substring(0, 8), OverlayNames.NODE_PREFIX + nodeId, true);
        Pem.writePrivateKey(peerDir.resolve(SecurityDir.NODE_KEY), kp.getPrivate());
        Pem.writeCertificate(peerDir.resolve(SecurityDir.NODE_CERT), c);
        Pem.writeCertificate(peerDir.resolve(SecurityDir.CA_CERT), certificate);
        return nodeId;
    }

    /**
     * Enrolls user {@code name} at her home peer: her key and certificate ({@code p2psip:user:NAME})
     * go into {@code peerDir/users/}.
     */
    public void enrollUser(String name, Path peerDir) throws IOException {
        OverlayNames.checkUserName(name);
        if (!Files.isRegularFile(peerDir.resolve(SecurityDir.NODE_CERT))) {
            throw new EnrollmentException(peerDir + " holds no peer certificate; enroll the peer first: " + SecurityDir.enrollCommand(peerDir));
        }
        Files.createDirectories(peerDir.resolve(SecurityDir.USERS));
        KeyPair kp = newKeyPair();
        X509Certificate c = issue(kp.getPublic(), "user " + name, OverlayNames.USER_PREFIX + name, false);
        Pem.writePrivateKey(SecurityDir.userKey(peerDir, name), kp.getPrivate());
        Pem.writeCertificate(SecurityDir.userCert(peerDir, name), c);
    }

    /** A certificate for {@code subject}'s key naming {@code sanUri}; a node's may be used for TLS. */
    public X509Certificate issue(PublicKey subjectKey, String subject, String sanUri, boolean tls) {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), notBefore(),
                notAfter(MEMBER_VALIDITY), name(subject), subjectKey);
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, sanUri)));
            if (tls) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
        } catch (CertIOException e) {
            throw new EnrollmentException("cannot build the certificate of " + subject + ": " + e.getMessage(), e);
        }
        return sign(b, key);
    }

    /** A new EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new EnrollmentException("cannot make an EC P-256 key pair: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(Signatures.ALGORITHM).build(signer)));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new EnrollmentException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    private static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
    }

    private static Date notBefore() {
        return new Date(System.currentTimeMillis() - Duration.ofMinutes(5).toMillis());
    }

    private static Date notAfter(Duration validity) {
        return new Date(System.currentTimeMillis() + validity.toMillis());
    }
}
