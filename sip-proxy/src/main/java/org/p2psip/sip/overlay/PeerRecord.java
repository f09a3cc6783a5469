package org.p2psip.sip.overlay;

/**
 * One answer of {@code user.lookup}: an opaque peer record chosen by the Overlay Manager (passed back
 * unchanged in {@code sato.signalling.request}), and whether it denotes this very peer.
 */
public record PeerRecord(String record, boolean self) {
}
