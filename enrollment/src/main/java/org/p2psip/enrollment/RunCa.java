package org.p2psip.enrollment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The overlay CA of one run (the demo, an experiment, a test's overlay): made in the run's directory
 * if it is not there yet, it enrolls each peer once by name (a restarted peer keeps its Node-ID) and
 * its users, so such runs are secured as a user's overlay would be.
 */
public final class RunCa {
    private final Path dir;
    private final OverlayCa ca;

    private RunCa(Path dir, OverlayCa ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /** The CA in {@code dir/ca}, made now if absent; peers' security directories go to {@code dir/NAME-security}. */
    public static synchronized RunCa in(Path dir) throws IOException {
        Path caDir = dir.resolve("ca");
        OverlayCa ca = Files.exists(caDir.resolve(OverlayCa.CA_CERT)) ? OverlayCa.load(caDir) : OverlayCa.init(caDir, "run");
        return new RunCa(dir, ca);
    }

    public OverlayCa ca() {
        return ca;
    }

    /**
     * The security directory of peer {@code name}, enrolled the first time, with {@code users} (her
     * home peer) enrolled if they are not yet.
     */
    public synchronized Path peer(String name, String... users) throws IOException {
        OverlayNames.checkUserName(name); // a peer name becomes a directory name: the same syntax keeps it one
        Path sec = dir.resolve(name + "-security");
        if (!Files.exists(sec.resolve(SecurityDir.NODE_CERT))) {
            ca.enrollPeer(sec);
        }
        for (String u : users) {
            if (!Files.exists(SecurityDir.userCert(sec, u))) {
                ca.enrollUser(u, sec);
            }
        }
        return sec;
    }

    /**
     * Enrolls user {@code name} at every peer of this run that does not hold her certificate yet, so
     * she may register at any of them (the run's phones move between peers). Peers pick her up at her
     * next REGISTER.
     */
    public synchronized void user(String name) throws IOException {
        try (java.util.stream.Stream<Path> dirs = Files.list(dir)) {
            for (Path sec : (Iterable<Path>) dirs::iterator) {
                if (sec.getFileName().toString().endsWith("-security") && Files.exists(sec.resolve(SecurityDir.NODE_CERT))
                        && !Files.exists(SecurityDir.userCert(sec, name))) {
                    ca.enrollUser(name, sec);
                }
            }
        }
    }
}
