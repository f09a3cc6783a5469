package org.p2psip.enrollment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;

/**
 * {@code ./p2psip ca}: the overlay CA on the command line.
 *
 * <pre>
 *   ./p2psip ca init CA_DIR [--overlay NAME]
 *   ./p2psip ca enroll-peer PEER_DIR --ca CA_DIR            (prints the Node-ID the CA assigned)
 *   ./p2psip ca enroll-user NAME --peer PEER_DIR --ca CA_DIR
 * </pre>
 */
public final class CaCommand {
    private static final List<Option> OPTIONS = List.of(
            Option.value("ca", null, "the overlay CA's directory (made by ./p2psip ca init)"),
            Option.value("peer", null, "enroll-user: the security directory of the user's home peer"),
            Option.value("overlay", "p2psip", "init: the overlay's name, in the CA certificate"));

    private static final String USAGE = "usage: ./p2psip ca init CA_DIR [--overlay NAME]\n"
            + "       ./p2psip ca enroll-peer PEER_DIR --ca CA_DIR\n"
            + "       ./p2psip ca enroll-user NAME --peer PEER_DIR --ca CA_DIR\n"
            + "The overlay's certificate authority: a peer's Node-ID is chosen here and carried in its certificate;\n"
            + "a user's certificate is held by her home peer (./p2psip peer --security PEER_DIR).\n";

    private CaCommand() {
    }

    public static int run(String[] args) {
        Options o;
        try {
            o = Options.parseWithOperands("ca", OPTIONS, args);
        } catch (IllegalArgumentException e) {
            System.err.println("p2psip ca: " + e.getMessage());
            return 2;
        }
        List<String> ops = o.operands();
        if (o.help()) {
            System.out.print(USAGE + Options.help(OPTIONS));
            return 0;
        }
        if (ops.size() != 2) {
            System.err.print(USAGE);
            return 2;
        }
        try {
            switch (ops.get(0)) {
                case "init": {
                    OverlayCa ca = OverlayCa.init(Path.of(ops.get(1)), o.get("overlay"));
                    System.out.println("overlay CA made in " + ca.directory() + " (" + OverlayCa.CA_CERT + ", " + OverlayCa.CA_KEY
                            + "); enroll each peer with: ./p2psip ca enroll-peer PEER_DIR --ca " + ca.directory());
                    return 0;
                }
                case "enroll-peer": {
                    OverlayCa ca = OverlayCa.load(Path.of(o.require("ca")));
                    Path dir = Path.of(ops.get(1));
                    String id = ca.enrollPeer(dir);
                    System.out.println("peer enrolled in " + dir + ": Node-ID " + id + "; run it with: ./p2psip peer --security " + dir);
                    return 0;
                }
                case "enroll-user": {
                    OverlayCa ca = OverlayCa.load(Path.of(o.require("ca")));
                    Path peer = Path.of(o.require("peer"));
                    ca.enrollUser(ops.get(1), peer);
                    System.out.println("user " + ops.get(1) + " enrolled at the peer of " + peer + " (" + SecurityDir.userCert(peer, ops.get(1))
                            + "); her records are written by that peer");
                    return 0;
                }
                default:
                    System.err.println("p2psip ca: unknown action '" + ops.get(0) + "'");
                    System.err.print(USAGE);
                    return 2;
            }
        } catch (EnrollmentException | IllegalArgumentException e) {
            System.err.println("p2psip ca: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("p2psip ca: " + e);
            return 1;
        }
    }
}
