package org.p2psip.control;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * A SATO-Port as its own process ({@code ./p2psip rtp-port}, {@code ./p2psip sip-port}): start the
 * port (it listens on its control socket), say where it is, run until its Overlay Manager sends
 * {@code port.shutdown}, the process gets SIGTERM (a shutdown hook closes the port) or the OM
 * that started it ends however it ends ({@link ParentWatch}), and leave with the socket file
 * removed (closing the port's {@link ControlServer} does that).
 */
public final class SatoPortProcessMain {
    private SatoPortProcessMain() {
    }

    /** What the process needs of a port. */
    public interface Port {
        /** Blocks until the port is closed (by {@link #close()} or a {@code port.shutdown} request). */
        void awaitClosed() throws InterruptedException;

        /** Stops the port and removes its control socket file; idempotent. */
        void close();
    }

    /** Starts a port: opens its control socket and whatever else it serves. */
    @FunctionalInterface
    public interface Starter<P extends Port> {
        P start() throws IOException;
    }

    /**
     * Runs a port until it is closed.
     *
     * @param command the prefix of error lines and the name of the shutdown hook ({@code rtp-port})
     * @param banner  the line printed on {@code out} once the port is up
     * @param stopped the line printed on {@code out} after a clean stop, or null for none
     * @return the exit status: 0 after the port closed; 1 when it could not start (one line on
     *         {@code err}: the socket is in use by another process, or why the port cannot start)
     */
    public static <P extends Port> int run(String command, Starter<P> starter, Function<P, String> banner, String stopped,
                                           PrintStream out, PrintStream err) {
        P port;
        try {
            port = starter.start();
        } catch (SocketInUseException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(command + ": cannot start: " + e.getMessage());
            return 1;
        }
        ParentWatch parent;
        try {
            parent = ParentWatch.fromSystemProperty(port::close).orElse(null);
        } catch (IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            port.close();
            return 2;
        }
        Thread hook = new Thread(port::close, command + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(banner.apply(port));
        out.flush();
        try {
            port.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            port.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (SIGTERM): the hook closes the port
        }
        if (parent != null) {
            parent.close();
        }
        if (stopped != null) {
            out.println(stopped);
            out.flush();
        }
        return 0;
    }
}
