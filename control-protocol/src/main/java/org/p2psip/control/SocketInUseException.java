package org.p2psip.control;

import java.io.IOException;
import java.nio.file.Path;

/** A second listener on a control socket path that a live process already serves. */
public class SocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    public SocketInUseException(Path path) {
        super("control socket " + path + " is in use by another running process");
    }
}
