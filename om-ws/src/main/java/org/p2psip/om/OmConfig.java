package org.p2psip.om;

import java.time.Duration;
import org.p2psip.om.path.PathProbes;
import org.p2psip.om.path.ProbeSocket;
import org.p2psip.om.types.Address;

/** The Overlay Manager's settings, as {@link OverlayManager.Builder} collected them. */
record OmConfig(Address bind, Address advertise, Duration probeInterval, int failuresBeforeLost,
                Duration negotiationTtl, int maxSatos, int maxSessions, int maxBodyBytes,
                ProbeSocket.Limits probeLimits, PathProbes.Settings probeSettings, boolean backgroundProbes,
                int maxSessionsPerPeer, int warmUpPings) {
}
