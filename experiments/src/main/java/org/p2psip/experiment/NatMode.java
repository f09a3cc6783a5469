package org.p2psip.experiment;

/** How a NAT router maps inside UDP/TCP endpoints to its public address. */
public enum NatMode {
    /**
     * Symmetric NAT: {@code masquerade fully-random}. Every new connection (5-tuple) gets a random
     * public port, so one inside socket talking to two destinations shows two different public
     * ports, and a port learned through a rendezvous server is useless to anybody else.
     */
    SYMMETRIC("masquerade fully-random"),
    /**
     * The control case: plain {@code masquerade}, which keeps the inside source port when it is
     * free, so the mapping does not depend on the destination and hole punching works.
     */
    PORT_PRESERVING("masquerade");

    private final String nftStatement;

    NatMode(String nftStatement) {
        this.nftStatement = nftStatement;
    }

    /** The nftables statement that does the source NAT. */
    public String nftStatement() {
        return nftStatement;
    }
}
