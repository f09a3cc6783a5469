package org.p2psip.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@link ListenerBounds} as one option value, e.g.
 * {@code connections=1024,per-source=256,in-flight=64,read-ms=10000,write-ms=10000,idle-s=300,max-bytes=1048576}
 * ({@code ./p2psip peer --lookup-bounds ...}). A value names only the fields it changes; the others keep
 * the listener's defaults. Each listener accepts the keys of the fields it applies ({@link #keys}):
 * a key it does not apply is refused with a message naming the ones it does.
 */
public final class BoundsSpec {
    /** Connections in total. */
    public static final String CONNECTIONS = "connections";
    /** Connections per source address. */
    public static final String PER_SOURCE = "per-source";
    /** Requests in flight per connection. */
    public static final String IN_FLIGHT = "in-flight";
    /** Whole-message read deadline (ms). */
    public static final String READ_MS = "read-ms";
    /** Write timeout (ms). */
    public static final String WRITE_MS = "write-ms";
    /** Idle timeout (s). */
    public static final String IDLE_S = "idle-s";
    /** Largest message (bytes). */
    public static final String MAX_BYTES = "max-bytes";
    /** Every key, in the order they are written. */
    public static final List<String> ALL = List.of(CONNECTIONS, PER_SOURCE, IN_FLIGHT, READ_MS, WRITE_MS, IDLE_S, MAX_BYTES);

    private final ListenerBounds defaults;
    private final Set<String> keys;

    /** A listener's spec: its {@code defaults} and the keys of the fields it applies. */
    public BoundsSpec(ListenerBounds defaults, String... keys) {
        this.defaults = defaults;
        this.keys = new LinkedHashSet<>();
        for (String k : ALL) {
            for (String given : keys) {
                if (given.equals(k)) {
                    this.keys.add(k);
                }
            }
        }
        if (this.keys.size() != keys.length) {
            throw new IllegalArgumentException("unknown bounds key among " + List.of(keys) + "; known: " + ALL);
        }
    }

    /** The keys this listener applies. */
    public Set<String> keys() {
        return keys;
    }

    public ListenerBounds defaults() {
        return defaults;
    }

    /** The defaults written as an option value (every key of this listener). */
    public String defaultValue() {
        return format(defaults);
    }

    /** {@code b} written as an option value (every key of this listener). */
    public String format(ListenerBounds b) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + "=" + switch (k) {
                case CONNECTIONS -> b.maxConnections();
                case PER_SOURCE -> b.maxConnectionsPerSource();
                case IN_FLIGHT -> b.maxInFlightPerConnection();
                case READ_MS -> b.readDeadline().toMillis();
                case WRITE_MS -> b.writeTimeout().toMillis();
                case IDLE_S -> b.idleTimeout().toSeconds();
                default -> b.maxMessageBytes();
            });
        }
        return String.join(",", parts);
    }

    /**
     * The bounds an option value describes: the defaults with the fields it names changed.
     *
     * @param option the option's name, for messages (e.g. {@code lookup-bounds})
     * @throws IllegalArgumentException with a one-line reason naming the option
     */
    public ListenerBounds parse(String option, String value) {
        ListenerBounds b = defaults;
        if (value == null || value.isBlank()) {
            return b;
        }
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (eq < 0 || !keys.contains(k)) {
                throw new IllegalArgumentException("--" + option + " takes KEY=VALUE,... with the keys " + String.join(", ", keys)
                        + ", not '" + p + "'");
            }
            long v;
            try {
                v = Long.parseLong(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--" + option + ": " + k + " must be a whole number from 1 to "
                        + Integer.MAX_VALUE + ", not '" + p.substring(eq + 1).trim() + "'");
            }
            int n = (int) v;
            b = switch (k) {
                case CONNECTIONS -> b.withMaxConnections(n, Math.min(n, b.maxConnectionsPerSource()));
                case PER_SOURCE -> b.withMaxConnections(b.maxConnections(), n);
                case IN_FLIGHT -> b.withMaxInFlightPerConnection(n);
                case READ_MS -> b.withReadDeadline(Duration.ofMillis(n));
                case WRITE_MS -> b.withWriteTimeout(Duration.ofMillis(n));
                case IDLE_S -> b.withIdleTimeout(Duration.ofSeconds(n));
                default -> b.withMaxMessageBytes(n);
            };
        }
        if (b.maxConnectionsPerSource() > b.maxConnections()) {
            throw new IllegalArgumentException("--" + option + ": per-source (" + b.maxConnectionsPerSource()
                    + ") must not exceed connections (" + b.maxConnections() + ")");
        }
        return b;
    }
}
