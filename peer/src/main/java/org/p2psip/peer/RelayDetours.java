package org.p2psip.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.p2psip.om.path.Detours;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.tcprelay.DetourTunnels;

/**
 * The Overlay Manager's {@link Detours} (issue 13: signalling A -> C -> B around a congested path)
 * made of {@code tcp-relay}'s {@link DetourTunnels}: one local tunnel per (relay peer's TCP relay,
 * target) that dials the target through the relay ({@code DIAL}). Owned and closed by {@link Peer}.
 */
final class RelayDetours implements Detours, AutoCloseable {

    private final DetourTunnels tunnels;

    RelayDetours(DetourTunnels tunnels) {
        this.tunnels = Objects.requireNonNull(tunnels);
    }

    @Override
    public Address via(Address relayTcp, Address target) throws OmException {
        Objects.requireNonNull(relayTcp, "relayTcp");
        Objects.requireNonNull(target, "target");
        try {
            InetSocketAddress local = tunnels.via(InetSocketAddress.createUnresolved(relayTcp.host(), relayTcp.port()),
                    InetSocketAddress.createUnresolved(target.host(), target.port()));
            return new Address(local.getHostString(), local.getPort());
        } catch (IllegalArgumentException e) {
            throw OmException.invalid("target", "no detour to " + target + ": " + e.getMessage());
        } catch (IOException e) {
            throw new OmException(OmException.Kind.RESOURCES_EXHAUSTED, target.toString(),
                    "no detour to " + target + " via relay " + relayTcp + ": " + e.getMessage(), e);
        }
    }

    /** The tunnels behind these detours (counters for tests and status). */
    DetourTunnels tunnels() {
        return tunnels;
    }

    @Override
    public void close() {
        tunnels.close();
    }

    @Override
    public String toString() {
        return "detours over TCP relays (" + tunnels.size() + " tunnels)";
    }
}
