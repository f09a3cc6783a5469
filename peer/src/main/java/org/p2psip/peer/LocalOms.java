package org.p2psip.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.types.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a local operator's {@code ./p2psip status HOST:PORT} reaches a secured peer's OM IF (HTTPS
 * with client certificates) on the same host: each secured peer notes, while it runs, its security
 * directory under its OM IF port in a directory only its user may read
 * ({@code $TMPDIR/p2psip-USER/om/PORT}); {@code status} given a local address presents that peer's own
 * certificate. Another user, or another host, gives {@code --security DIR} (any peer certificate of the
 * overlay). Keyed by port only: peers in network namespaces of one host sharing a port are normally of
 * one overlay, whose every certificate the OM accepts.
 */
public final class LocalOms {
    private static final Logger log = LoggerFactory.getLogger(LocalOms.class);

    private LocalOms() {
    }

    /** The directory of this user's notes. */
    static Path dir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "p2psip-" + System.getProperty("user.name", "user"), "om");
    }

    /** Notes that the OM IF on {@code port} is this peer's, secured with {@code securityDir}; closing removes the note if it is still ours. */
    static AutoCloseable register(int port, Path securityDir) {
        Path note = dir().resolve(Integer.toString(port));
        String content = securityDir.toAbsolutePath().normalize().toString();
        try {
            Path d = dir();
            Files.createDirectories(d);
            Files.setPosixFilePermissions(d.getParent(), PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(note, content, StandardCharsets.UTF_8);
        } catch (IOException | UnsupportedOperationException e) {
            log.info("could not note the OM IF port for local ./p2psip status ({}): it needs --security DIR there", e.getMessage());
            return () -> { };
        }
        return () -> {
            try {
                if (Files.isRegularFile(note) && Files.readString(note, StandardCharsets.UTF_8).equals(content)) {
                    Files.delete(note);
                }
            } catch (IOException e) {
                log.debug("removing {}: {}", note, e.getMessage());
            }
        };
    }

    /** The security directory of the secured peer whose OM IF is at {@code om}, if it runs on this host as this user. */
    public static Optional<Path> securityDirOf(Address om) {
        if (!isLocal(om.host())) {
            return Optional.empty();
        }
        Path note = dir().resolve(Integer.toString(om.port()));
        try {
            if (!Files.isRegularFile(note) || !ownedByMe(dir()) || !ownedByMe(note)) {
                return Optional.empty(); // another user's directory in /tmp is no note of ours
            }
            Path sec = Path.of(Files.readString(note, StandardCharsets.UTF_8).trim());
            return Files.isDirectory(sec) ? Optional.of(sec) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The OM IF's HTTPS presenting the peer certificate in {@code securityDir}.
     *
     * @throws org.p2psip.enrollment.EnrollmentException naming the missing or bad file
     */
    public static OmIfTls tls(Path securityDir) {
        return PeerSecurity.omIf(NodeIdentity.load(securityDir));
    }

    private static boolean ownedByMe(Path p) throws IOException {
        return Files.getOwner(p).getName().equals(System.getProperty("user.name"));
    }

    private static boolean isLocal(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
