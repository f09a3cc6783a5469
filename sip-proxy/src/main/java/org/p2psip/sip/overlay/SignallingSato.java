package org.p2psip.sip.overlay;

import org.p2psip.common.HostPort;

/** A ready signalling SATO: where SIP requests for its call go (the remote P2PSIP-Port's overlay listener). */
public record SignallingSato(String sato, String transport, HostPort address) {
}
