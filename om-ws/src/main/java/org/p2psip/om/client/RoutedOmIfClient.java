package org.p2psip.om.client;

import org.p2psip.om.omif.v1.OverlayManagerPortType;
import org.p2psip.om.types.Address;

/**
 * An {@link OmIfClient} that reaches each far OM the way {@link DetourRoutes} says: directly, or
 * through the local end of a tunnel through a relay peer when the direct path to it is congested.
 * Everything this OM sends to that OM (negotiation, SATO set-up, Connect RTP, teardown, liveness
 * Pings) then takes the detour.
 */
public final class RoutedOmIfClient implements OmIfClient {
    private final OmIfClient direct;
    private final DetourRoutes routes;

    public RoutedOmIfClient(OmIfClient direct, DetourRoutes routes) {
        this.direct = direct;
        this.routes = routes;
    }

    @Override
    public OverlayManagerPortType port(Address om) {
        return direct.port(routes.connectTo(om));
    }

    @Override
    public java.util.Optional<String> certifiedNodeId(Address om) {
        return direct.certifiedNodeId(routes.connectTo(om));
    }

    @Override
    public void forget(Address om) {
        direct.forget(om);
    }

    @Override
    public void close() {
        direct.close();
    }
}
