package org.p2psip.enrollment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Key material as PEM files, readable by OpenSSL and gSOAP as they are: certificates
 * ({@code CERTIFICATE}) and unencrypted PKCS#8 private keys ({@code PRIVATE KEY}, written readable by
 * the owner only).
 */
public final class Pem {
    private Pem() {
    }

    public static void writeCertificate(Path file, X509Certificate c) throws IOException {
        try {
            write(file, "CERTIFICATE", c.getEncoded(), false);
        } catch (CertificateException e) {
            throw new IOException("cannot encode the certificate for " + file + ": " + e.getMessage(), e);
        }
    }

    public static void writePrivateKey(Path file, PrivateKey k) throws IOException {
        write(file, "PRIVATE KEY", k.getEncoded(), true);
    }

    public static X509Certificate readCertificate(Path file) {
        byte[] der = read(file, "CERTIFICATE");
        try {
            return certificate(der);
        } catch (CertificateException e) {
            throw new EnrollmentException(file + " does not hold an X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** A DER-encoded X.509 certificate. */
    public static X509Certificate certificate(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    public static PrivateKey readPrivateKey(Path file) {
        byte[] der = read(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new EnrollmentException(file + " does not hold a PKCS#8 EC private key: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String type, byte[] der, boolean secret) throws IOException {
        String body = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        if (secret) {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, body, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    private static byte[] read(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new EnrollmentException("missing " + file);
        } catch (IOException e) {
            throw new EnrollmentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new EnrollmentException(file + " is not a PEM file with a " + type + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new EnrollmentException(file + ": bad base64 in its " + type + " block");
        }
    }
}
