package org.p2psip.om.path;

import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;

/**
 * Detours around a congested direct path (issue 13): how the Overlay Manager routes a call's
 * signalling A -> C -> B through a relay peer C's TCP relay ({@code relay:tcp} in the lookup service)
 * without knowing how. {@link #via} gives a local address; every TCP connection to it reaches the
 * target through the relay, so the OM IF's SOAP client and the P2PSIP-Port's SIP over TCP simply
 * connect there instead of to the target. Implemented by the peer assembly (module {@code peer}).
 */
public interface Detours {

    /**
     * Where to connect, on this host, to reach {@code target} through the TCP relay at
     * {@code relayTcp}. The same pair gives the same address while it is in use.
     *
     * @param relayTcp the relay peer's TCP relay ({@code tcp=HOST:PORT} of its {@code relay:tcp} record)
     * @param target   the far peer's address: its OM IF or its P2PSIP-Port's overlay listener
     * @throws OmException if no detour can be set up here (for example too many in use)
     */
    Address via(Address relayTcp, Address target) throws OmException;
}
