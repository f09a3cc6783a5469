package org.p2psip.rtp.relay;

import java.net.InetAddress;

/**
 * The load of the relay, for port.status: what the OM needs to advertise the RTP-Port as a relay
 * in the lookup service.
 *
 * @param capacity  how many more relay sessions (two UDP overlay ports each) fit now
 * @param forwarded RTP/RTCP packets handed from one leg to another since start
 * @param drops     packets the current sessions dropped (all reasons)
 * @param wakeups   times the workers' selectors returned since start
 */
public record PortStatus(InetAddress address, int sessions, int relaySessions, int endpointSessions, int portLow,
                         int portHigh, int portsFree, int maxSessions, int capacity, int workers, long forwarded,
                         long drops, long wakeups) {
}
