package org.p2psip.control;

/**
 * The bounds of a process's control sockets: connections a {@link ControlServer} serves at once
 * (one more is closed at once), requests handled at once (its workers), and requests that may wait
 * for a worker (beyond: RESOURCE_EXHAUSTED, the reader keeps reading). Frames are bounded by the
 * codec (64 KiB, part of the protocol). One setting per process: the system properties
 * {@value #CONNECTIONS_PROPERTY}, {@value #WORKERS_PROPERTY} and {@value #QUEUED_PROPERTY}, read when a
 * server is created ({@code ./p2psip peer --control-bounds} sets them for the peer and its SATO-Port
 * processes); unset, the defaults {@link #DEFAULT}.
 */
public record ControlBounds(int connections, int workers, int queued) {
    public static final String CONNECTIONS_PROPERTY = "p2psip.control.connections";
    public static final String WORKERS_PROPERTY = "p2psip.control.workers";
    public static final String QUEUED_PROPERTY = "p2psip.control.queued";
    /** 64 connections (the OM needs one; tests and tools a few more), 64 workers, 1,024 waiting requests. */
    public static final ControlBounds DEFAULT = new ControlBounds(64, 64, 1024);

    public ControlBounds {
        if (connections < 1 || workers < 1 || queued < 1) {
            throw new IllegalArgumentException("control bounds must be at least 1: connections=" + connections
                    + ", workers=" + workers + ", queued=" + queued);
        }
    }

    /** This process's bounds: the system properties over the defaults (IllegalArgumentException naming a bad one). */
    public static ControlBounds current() {
        return new ControlBounds(property(CONNECTIONS_PROPERTY, DEFAULT.connections), property(WORKERS_PROPERTY, DEFAULT.workers),
                property(QUEUED_PROPERTY, DEFAULT.queued));
    }

    /** Makes these the process's bounds for control servers created from now on. */
    public void install() {
        System.setProperty(CONNECTIONS_PROPERTY, Integer.toString(connections));
        System.setProperty(WORKERS_PROPERTY, Integer.toString(workers));
        System.setProperty(QUEUED_PROPERTY, Integer.toString(queued));
    }

    /** The JVM options giving a child process the same bounds (empty while the defaults apply). */
    public static java.util.List<String> childOptions() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : new String[] {CONNECTIONS_PROPERTY, WORKERS_PROPERTY, QUEUED_PROPERTY}) {
            String v = System.getProperty(p);
            if (v != null) {
                out.add("-D" + p + "=" + v);
            }
        }
        return out;
    }

    private static int property(String name, int dflt) {
        String v = System.getProperty(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1 || n > 1_000_000) {
                throw new IllegalArgumentException(name + " must be between 1 and 1000000: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + v);
        }
    }
}
