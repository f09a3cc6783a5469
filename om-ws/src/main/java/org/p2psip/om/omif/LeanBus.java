package org.p2psip.om.omif;

import org.apache.cxf.Bus;
import org.apache.cxf.ws.policy.PolicyEngine;

/**
 * What every OM IF bus (the OM's client bus and the endpoints' server bus) leaves out of each
 * exchange: the WS-Policy engine. CXF enables it whenever {@code cxf-rt-ws-policy} is on the class
 * path (the JAX-WS frontend brings it), and it then adds three interceptors to every client and
 * server chain that compute the effective policy of each message. The OM IF's WSDL carries no
 * policy and HTTPS is configured directly on the conduit and the Jetty engine, so the engine has
 * nothing to do; the messages on the wire are the same with it off.
 */
public final class LeanBus {
    private LeanBus() {
    }

    public static void install(Bus bus) {
        PolicyEngine policies = bus.getExtension(PolicyEngine.class);
        if (policies != null) {
            policies.setEnabled(false);
        }
    }
}
