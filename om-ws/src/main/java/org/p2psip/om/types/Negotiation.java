package org.p2psip.om.types;

/** A callee's answer to NegotiateTransport: the transport, the index of the chosen candidate, this node's endpoint. */
public record Negotiation(TransportKind transport, int candidateIndex, Address endpoint) {
}
