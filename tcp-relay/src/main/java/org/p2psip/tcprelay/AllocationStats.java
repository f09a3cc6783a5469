package org.p2psip.tcprelay;

import java.net.InetSocketAddress;

/**
 * Counters of one allocation of a {@link TcpRelay}.
 *
 * @param name                the name the client asked for in {@code LISTEN}
 * @param publicAddress       the allocated public address (advertised host, allocated port)
 * @param connectionsAccepted inbound connections accepted on the public port (spliced or not)
 * @param connectionsActive   spliced connections currently open
 * @param bytesClientToPeer   bytes copied from inbound clients to the NATed peer
 * @param bytesPeerToClient   bytes copied from the NATed peer to inbound clients
 * @param open                whether the allocation (control connection and public port) is still open
 */
public record AllocationStats(String name, InetSocketAddress publicAddress, long connectionsAccepted,
        int connectionsActive, long bytesClientToPeer, long bytesPeerToClient, boolean open) {
}
