package org.p2psip.om.table;

import java.util.List;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.types.Address;

/** The node status an OM reports (GetNodeStatus, {@code ./p2psip status}); {@code ring} null when not known. */
public record NodeStatus(String nodeId, String protocolVersion, long uptimeSeconds, Address address,
                         List<PortStatus> ports, List<Sato.Snapshot> satos, List<PortSession> sessions,
                         List<PathStats.Snapshot> paths, org.p2psip.om.types.RingView ring) {
}
