package org.p2psip.lookup.wire;

import org.p2psip.lookup.LookupException;

/** Serves the requests that arrive at a node. */
public interface RequestHandler {
    /**
     * Handles one request and returns the body of the OK response. A {@link LookupException} becomes
     * an error response; a {@link MalformedFrameException} closes the connection.
     */
    byte[] handle(int type, byte[] payload) throws MalformedFrameException;
}
