/**
 * TCP relaying for peers behind symmetric NATs (the public relay peer of the paper's Sec. 5.3).
 *
 * <p>A peer that can only make outbound connections keeps a control connection to a
 * {@link org.p2psip.tcprelay.TcpRelay} on a public peer and gets a public port there
 * ({@link org.p2psip.tcprelay.RelayedListener}). Every inbound connection to that port is
 * announced over the control connection; the NATed peer dials a fresh outbound data connection
 * and the relay splices the bytes. The protocol is a small line protocol in the spirit of
 * TURN-TCP (RFC 6062); see {@code docs/tcp-relay.md}.
 *
 * <p>The relay also connects outbound for a client ({@code DIAL}, RFC 6062's {@code Connect}), only
 * to targets its dial predicate allows: {@link org.p2psip.tcprelay.DetourTunnel} uses it to route a
 * call's signalling around a congested direct path through a relay peer.
 */
package org.p2psip.tcprelay;
