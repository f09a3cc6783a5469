package org.p2psip.peer;

import java.io.IOException;
import java.time.Duration;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;

/**
 * A SATO-Port the Overlay Manager runs and drives over its control socket, either as a child
 * process ({@link SatoPortProcess}) or inside the OM's JVM ({@link InProcessSatoPort}). Either
 * way the OM talks to it only through {@link #control()}.
 */
public interface SatoPortRunner extends AutoCloseable {
    /** Starts the port and connects to its control socket. */
    void start(Duration timeout) throws IOException, ControlException;

    /** The control connection (reconnects by itself if the port restarts). */
    ControlClient control();

    String name();

    /** Asks the port to shut down and waits for it; never throws. */
    @Override
    void close();
}
