package org.p2psip.experiment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;

/**
 * A peer's answer to {@code peer.status} on its management socket ({@code <state-dir>/om.sock}):
 * its node, whether it is behind a NAT, its relayed addresses, its TCP relay's allocations, its
 * lookup ring ({@code ring.size}, ...); and {@link #lookup} of a key through the peer's lookup node.
 * Unix-domain sockets live in the file system, so this works across network namespaces.
 */
public record PeerStatus(Map<String, String> fields) {
    public static final String SOCKET = "om.sock";
    public static final String REQUEST = "peer.status";

    /** Asks the peer whose management socket is {@code socket}; an empty status if it does not answer. */
    public static PeerStatus ask(Path socket) {
        try (ControlClient c = ControlClient.connect(socket, "experiment", "nat-experiment", ControlHandler.NONE,
                Duration.ofSeconds(5))) {
            ControlMessage m = c.call(ControlMessage.request(REQUEST));
            Map<String, String> f = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : m.fields()) {
                f.merge(e.getKey(), e.getValue(), (x, y) -> x + "," + y);
            }
            return new PeerStatus(Map.copyOf(f));
        } catch (ControlException | RuntimeException e) {
            return new PeerStatus(Map.of());
        }
    }

    /**
     * What the peer whose management socket is {@code socket} finds under {@code key} in the lookup
     * service now ({@code lookup.get}); null if it does not answer or the lookup fails.
     */
    public static java.util.List<String> lookup(Path socket, String key) {
        try (ControlClient c = ControlClient.connect(socket, "experiment", "lookup", ControlHandler.NONE,
                Duration.ofSeconds(8))) {
            return c.call(ControlMessage.request("lookup.get").with("key", key), Duration.ofSeconds(8)).getAll("value");
        } catch (ControlException | RuntimeException e) {
            return null;
        }
    }

    public String get(String key) {
        return fields.getOrDefault(key, "-");
    }

    public int getInt(String key, int fallback) {
        try {
            return Integer.parseInt(fields.get(key));
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    public long getLong(String key, long fallback) {
        try {
            return Long.parseLong(fields.get(key));
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
