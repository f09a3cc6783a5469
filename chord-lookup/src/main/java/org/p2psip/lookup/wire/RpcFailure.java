package org.p2psip.lookup.wire;

import org.p2psip.lookup.LookupException;

/**
 * A request could not be completed because of the node or the network (refused, reset, timed out,
 * broken protocol), as opposed to an error answer from a healthy node. Chord treats the node as failed.
 */
public class RpcFailure extends LookupException {
    private static final long serialVersionUID = 1L;

    public RpcFailure(Reason reason, String message) {
        super(reason, message);
    }

    public RpcFailure(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
