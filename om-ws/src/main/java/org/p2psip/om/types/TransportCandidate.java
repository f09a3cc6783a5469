package org.p2psip.om.types;

import java.util.Objects;

/** A transport the caller of NegotiateTransport offers, with the caller's address for it. */
public record TransportCandidate(TransportKind transport, Address address) {
    public TransportCandidate {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return transport + " " + address;
    }
}
