package org.p2psip.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.enrollment.RunCa;
import org.p2psip.phone.PhoneConfig;

/** What the peer tests' set-ups share: a phone's settings at a peer, a secured loopback peer's settings. */
public final class TestPeers {
    private TestPeers() {
    }

    /** Settings of the project's phone for {@code user}, registering at {@code peer}'s P2PSIP-Port, listening on an ephemeral loopback port. */
    public static PhoneConfig.Builder phoneAt(String user, Peer peer) throws ControlException {
        String[] hp = peer.sipAddress().split(":");
        return PhoneConfig.builder(user, new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))).listen("127.0.0.1", 0);
    }

    /**
     * Settings of peer {@code name} on loopback, secured with a certificate from {@code ca} (holding
     * {@code users}' certificates), its state under {@code state}, SATO-Ports in its JVM, relay policy
     * {@code never}; it joins through {@code bootstrap} unless that is null. A test changes what differs.
     */
    public static Map<String, String> securedPeer(RunCa ca, Path state, String name, String bootstrap, String... users) throws IOException {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("security", ca.peer(name, users).toString());
        s.put("ports", "in-process");
        s.put("relay-policy", "never");
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        return s;
    }
}
