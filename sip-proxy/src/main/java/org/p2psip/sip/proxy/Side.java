package org.p2psip.sip.proxy;

/** The two network interfaces of a P2PSIP-Port (paper Sec. 5.1.1). */
public enum Side {
    /** The standard SIP interface towards the user agents (UDP and TCP). */
    UA,
    /** The SATO network interface towards other P2PSIP-Ports (TCP, over signalling SATOs). */
    OVERLAY
}
