package org.p2psip.om.client;

import org.p2psip.om.omif.v1.OverlayManagerPortType;
import org.p2psip.om.types.Address;

/**
 * The client side of the OM IF: a stub for the OM at an address. The direct implementation is
 * {@link SoapOmIfClient} (SOAP over HTTP). A peer that cannot reach another peer directly (NAT)
 * can plug in an implementation that relays through a public peer without touching the rest of
 * the Overlay Manager.
 */
public interface OmIfClient extends AutoCloseable {

    /** A stub for the OM IF of the OM at {@code om}; implementations cache stubs, so this is cheap. */
    OverlayManagerPortType port(Address om);

    /**
     * The Node-ID in the certificate the OM at {@code om} presented on its last new connection
     * (HTTPS with client certificates); empty when unknown (plain HTTP, or no connection yet).
     */
    default java.util.Optional<String> certifiedNodeId(Address om) {
        return java.util.Optional.empty();
    }

    /** Forgets a cached stub (after the peer went away). */
    default void forget(Address om) {
    }

    @Override
    void close();
}
