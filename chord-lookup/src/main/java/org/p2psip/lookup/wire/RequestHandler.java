package org.p2psip.lookup.wire;

import org.p2psip.lookup.LookupException;

/** Serves the requests that arrive at a node. */
public interface RequestHandler {
    /**
     * Handles one request and returns the body of the OK response. A {@link LookupException} becomes
     * an error response; a {@link MalformedFrameException} closes the connection.
     */
    byte[] handle(int type, byte[] payload) throws MalformedFrameException;

    /**
     * Handles one request from the node whose certificate carries {@code caller} (a secured wire,
     * {@link LinkSecurity}); null on an unsecured wire. By default the caller is not looked at.
     */
    default byte[] handle(int type, byte[] payload, org.p2psip.lookup.ring.Id caller) throws MalformedFrameException {
        return handle(type, payload);
    }

    /**
     * Handles one request from {@code caller} (as above) that arrived from {@code source} (the
     * connection's remote address; null if not known). By default the source is not looked at.
     */
    default byte[] handle(int type, byte[] payload, org.p2psip.lookup.ring.Id caller, java.net.InetAddress source)
            throws MalformedFrameException {
        return handle(type, payload, caller);
    }
}
