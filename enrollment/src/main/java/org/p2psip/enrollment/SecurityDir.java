package org.p2psip.enrollment;

import java.nio.file.Path;

/**
 * The layout of a peer's security directory ({@code ./p2psip peer --security DIR}), as
 * {@code ./p2psip ca enroll-peer} and {@code enroll-user} write it:
 *
 * <pre>
 *   DIR/ca.crt              the overlay CA's certificate (the only one the peer trusts)
 *   DIR/node.crt, node.key  the peer's certificate (Node-ID in p2psip:node:HEX) and its key (mode 600)
 *   DIR/users/NAME.crt, .key  the certificates of the users this peer is home to
 * </pre>
 */
public final class SecurityDir {
    public static final String CA_CERT = "ca.crt";
    public static final String NODE_CERT = "node.crt";
    public static final String NODE_KEY = "node.key";
    public static final String USERS = "users";

    private SecurityDir() {
    }

    /** The one command that enrolls a peer whose security directory is {@code dir}. */
    public static String enrollCommand(Path dir) {
        return "./p2psip ca enroll-peer " + dir + " --ca CA_DIR";
    }

    public static Path userCert(Path dir, String name) {
        return dir.resolve(USERS).resolve(name + ".crt");
    }

    public static Path userKey(Path dir, String name) {
        return dir.resolve(USERS).resolve(name + ".key");
    }
}
