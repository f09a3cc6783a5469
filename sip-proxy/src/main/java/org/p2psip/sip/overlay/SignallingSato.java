package org.p2psip.sip.overlay;

import org.p2psip.common.HostPort;

/**
 * A ready signalling SATO: where SIP requests for its call go ({@code address}: the remote
 * P2PSIP-Port's overlay listener, or the local end of a detour through a relay peer), and, for a
 * detour, the remote listener's own address {@code peer} (null when reached directly).
 */
public record SignallingSato(String sato, String transport, HostPort address, HostPort peer) {
}
