package org.p2psip.om.ports;

import java.util.Map;
import org.p2psip.om.types.PortKind;

/** What the OM knows about one of its SATO-Ports: whether its control connection is up, its sessions, and what it reports. */
public record PortStatus(PortKind kind, String name, boolean running, int sessions, Map<String, String> details) {
    public PortStatus {
        details = Map.copyOf(details);
    }
}
