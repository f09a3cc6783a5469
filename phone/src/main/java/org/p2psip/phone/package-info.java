/**
 * The project's own SIP user agent (the "UA" of the paper's Figures 2 to 4), for tests, the demo and
 * teaching: {@link org.p2psip.phone.Phone} (embeddable) and {@link org.p2psip.phone.PhoneCommand}
 * ({@code ./p2psip phone}). It uses its P2PSIP-Port (or any SIP proxy) as registrar and outbound proxy,
 * places or answers a call with PCMU audio, and measures the RTP it receives (RFC 3550 loss and jitter).
 * See README.md in this directory.
 */
package org.p2psip.phone;
