package org.p2psip.om.ports;

/**
 * What an RTP-Port endpoint session (RTP1, RTP2) has received so far, as its {@code rtp.stats}
 * counts it: packets from the phone (UA leg) and over the overlay (the media SATO's path), and
 * for the overlay leg the RTP sequence figures (RFC 3550 A.3: expected, lost) and interarrival
 * jitter. Keepalives are not counted as packets. The media SATOs' watch takes differences of two
 * readings.
 */
public record MediaCounters(String sessionId, long uaPacketsIn, long overlayPacketsIn, long rtpExpected, long rtpLost,
                            double jitterMs) {
}
