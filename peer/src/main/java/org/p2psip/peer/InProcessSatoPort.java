package org.p2psip.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A SATO-Port inside the OM's JVM, still driven only over its Unix control socket. */
public final class InProcessSatoPort extends ControlledSatoPort {
    private static final Logger log = LoggerFactory.getLogger(InProcessSatoPort.class);

    /** Starts the embedded port listening on its control socket; the result stops it. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws Exception;
    }

    private final Starter starter;
    private AutoCloseable port;

    public InProcessSatoPort(String name, Path socket, Starter starter, ControlHandler handler) {
        super(name, socket, handler);
        this.starter = starter;
    }

    @Override
    public void start(Duration timeout) throws IOException, ControlException {
        try {
            port = starter.start();
        } catch (IOException | ControlException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot start SATO-Port " + name + ": " + e.getMessage(), e);
        }
        connect(timeout);
        log.info("SATO-Port {} started inside the OM's JVM (control socket {})", name, socket);
    }

    @Override
    public void close() {
        ControlClient c = control();
        if (c != null) {
            c.close();
        }
        if (port != null) {
            try {
                port.close();
            } catch (Exception e) {
                log.warn("SATO-Port {} did not stop cleanly: {}", name, e.getMessage());
            }
        }
    }
}
