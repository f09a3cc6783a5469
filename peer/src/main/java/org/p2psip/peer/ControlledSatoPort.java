package org.p2psip.peer;

import java.nio.file.Path;
import java.time.Duration;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;

/** What every {@link SatoPortRunner} shares: its name, its control socket, and the OM's connection to it. */
abstract class ControlledSatoPort implements SatoPortRunner {
    protected final String name;
    protected final Path socket;
    private final ControlHandler handler;
    private volatile ControlClient control;

    ControlledSatoPort(String name, Path socket, ControlHandler handler) {
        this.name = name;
        this.socket = socket;
        this.handler = handler;
    }

    /** Connects the OM to the port's control socket (waiting up to {@code timeout} for it to listen). */
    protected final ControlClient connect(Duration timeout) throws ControlException {
        control = ControlClient.connect(socket, "om", name, handler, timeout);
        return control;
    }

    @Override
    public final ControlClient control() {
        return control;
    }

    @Override
    public final String name() {
        return name;
    }
}
