package org.p2psip.sip.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.common.HostPort;

/**
 * Far P2PSIP-Ports this port reaches through a detour (issue 13): the OM measured the direct path
 * congested and set up the call's signalling SATO through a relay peer, telling this port to connect
 * to the local end of a tunnel instead of the far port's own overlay address. The far port's
 * Record-Route names its own address, so the call's in-dialog requests (ACK, BYE, re-INVITE) would
 * cross the congested path; {@link RouteProcessing} looks them up here and takes the tunnel too.
 * The newest SATO towards a far port wins; at most {@value #MAX} entries (least recently used go).
 * Thread-safe.
 */
final class OverlayDetours {
    static final int MAX = 1024;

    private final Map<HostPort, HostPort> local = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<HostPort, HostPort> eldest) {
            return size() > MAX;
        }
    };

    /** From now on {@code far} is reached at {@code via} (the local end of its detour). */
    synchronized void detour(HostPort far, HostPort via) {
        local.put(far, via);
    }

    /** {@code far} is reached directly again (a SATO towards it without a detour). */
    synchronized void direct(HostPort far) {
        local.remove(far);
    }

    /** Where to connect to reach {@code far}: the local end of its detour, or null if it is reached directly. */
    synchronized HostPort via(HostPort far) {
        return local.get(far);
    }
}
