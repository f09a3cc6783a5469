package org.p2psip.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import org.p2psip.common.HostPort;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.records.RelayDirectory;
import org.p2psip.om.sato.Flow;
import org.p2psip.tcprelay.RelaySecurity;
import org.p2psip.tcprelay.RelayedListener;

/**
 * Behind a NAT (paper Sec. 5.3): two public addresses rented on a public peer's TCP relay found in
 * the lookup service, one for the OM IF and one for the P2PSIP-Port's overlay side. Their local
 * targets are asked for lazily: the OM and the port start after this. In a secured overlay the
 * control and data connections to the relay run mutual TLS and the two allocations belong to this
 * peer's Node-ID (no other peer can take them by their names).
 */
final class RelayedAddresses implements AutoCloseable {
    private final RelayedListener om;
    private final RelayedListener sip;

    private RelayedAddresses(RelayedListener om, RelayedListener sip) {
        this.om = om;
        this.sip = sip;
    }

    static RelayedAddresses open(PeerConfig config, RelayDirectory relays, Supplier<InetSocketAddress> omLocal,
                                 Supplier<InetSocketAddress> sipLocal, RelaySecurity security) throws IOException {
        PeerRecord relay;
        try {
            relay = relays.findTcpRelay(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking for a TCP relay");
        }
        if (relay == null) {
            throw new IOException("this peer is behind a NAT (--nat on) but the lookup service at " + config.bootstrap()
                    + " knows no TCP relay (" + PeerRecord.TCP_RELAY_KEY + "): start a public peer with --offer-relay on first");
        }
        InetSocketAddress at = new InetSocketAddress(relay.tcpRelay().host(), relay.tcpRelay().port());
        // secured: only the relay of the node its (signed) relay:tcp record names
        RelaySecurity tls = security == null ? null : security.expectingRelay(relay.nodeId());
        Duration keepalive = Duration.ofSeconds(config.natKeepaliveSeconds());
        String name = config.name();
        RelayedListener om = RelayedListener.open(at, name + "-om", omLocal, keepalive, tls);
        RelayedListener sip;
        try {
            sip = RelayedListener.open(at, name + "-sip", sipLocal, keepalive, tls);
        } catch (IOException | RuntimeException e) {
            om.close();
            throw e;
        }
        RelayedAddresses r = new RelayedAddresses(om, sip);
        Flow.step(name, "behind a NAT: TCP relay found in the lookup service on peer {} at {}; OM IF reachable at {}, "
                + "P2PSIP-Port overlay side at {}", relay.shortId(), relay.tcpRelay(), hostPort(r.om()), hostPort(r.sip()));
        return r;
    }

    /** Where other peers reach this peer's OM IF. */
    InetSocketAddress om() {
        return om.publicAddress();
    }

    /** Where other peers reach this peer's P2PSIP-Port's overlay side. */
    InetSocketAddress sip() {
        return sip.publicAddress();
    }

    static String hostPort(InetSocketAddress a) {
        return HostPort.of(a).toString();
    }

    @Override
    public void close() {
        sip.close();
        om.close();
    }
}
