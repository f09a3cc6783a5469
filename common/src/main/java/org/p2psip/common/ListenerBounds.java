package org.p2psip.common;

import java.time.Duration;

/**
 * The bounds of one listener (lookup-service transport, control socket, TCP relay, OM IF): how many
 * connections it holds in total and per source address, how many requests of one connection it
 * serves at once, how long one whole message may take to arrive ({@code readDeadline}, from its first
 * byte to its last), how long one answer may take to be written ({@code writeTimeout}), how long a
 * connection may stay silent ({@code idleTimeout}), and the largest message it accepts
 * ({@code maxMessageBytes}, checked before anything is allocated). Beyond them the listener sheds
 * load with its protocol's own answer and closes the connection; it recovers by itself afterwards.
 */
public record ListenerBounds(int maxConnections, int maxConnectionsPerSource, int maxInFlightPerConnection,
                             Duration readDeadline, Duration writeTimeout, Duration idleTimeout, int maxMessageBytes) {

    public ListenerBounds {
        positive("maxConnections", maxConnections);
        positive("maxConnectionsPerSource", maxConnectionsPerSource);
        positive("maxInFlightPerConnection", maxInFlightPerConnection);
        positive("maxMessageBytes", maxMessageBytes);
        positive("readDeadline", readDeadline);
        positive("writeTimeout", writeTimeout);
        positive("idleTimeout", idleTimeout);
    }

    /**
     * The defaults: 1,024 connections, 256 per source address, 64 requests in flight per connection,
     * 10 s to read a whole message, 10 s to write one, 5 min idle, messages up to {@code maxMessageBytes}.
     */
    public static ListenerBounds defaults(int maxMessageBytes) {
        return new ListenerBounds(1024, 256, 64, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(5),
                maxMessageBytes);
    }

    public ListenerBounds withMaxConnections(int total, int perSource) {
        return new ListenerBounds(total, perSource, maxInFlightPerConnection, readDeadline, writeTimeout, idleTimeout,
                maxMessageBytes);
    }

    public ListenerBounds withMaxInFlightPerConnection(int n) {
        return new ListenerBounds(maxConnections, maxConnectionsPerSource, n, readDeadline, writeTimeout, idleTimeout,
                maxMessageBytes);
    }

    public ListenerBounds withReadDeadline(Duration d) {
        return new ListenerBounds(maxConnections, maxConnectionsPerSource, maxInFlightPerConnection, d, writeTimeout,
                idleTimeout, maxMessageBytes);
    }

    public ListenerBounds withWriteTimeout(Duration d) {
        return new ListenerBounds(maxConnections, maxConnectionsPerSource, maxInFlightPerConnection, readDeadline, d,
                idleTimeout, maxMessageBytes);
    }

    public ListenerBounds withIdleTimeout(Duration d) {
        return new ListenerBounds(maxConnections, maxConnectionsPerSource, maxInFlightPerConnection, readDeadline,
                writeTimeout, d, maxMessageBytes);
    }

    public ListenerBounds withMaxMessageBytes(int n) {
        return new ListenerBounds(maxConnections, maxConnectionsPerSource, maxInFlightPerConnection, readDeadline,
                writeTimeout, idleTimeout, n);
    }

    /** One line for logs and status output. */
    public String describe() {
        return maxConnections + " connections (" + maxConnectionsPerSource + " per source), " + maxInFlightPerConnection
                + " requests in flight per connection, read deadline " + readDeadline.toMillis() + " ms, write timeout "
                + writeTimeout.toMillis() + " ms, idle " + idleTimeout.toSeconds() + " s, messages up to " + maxMessageBytes
                + " bytes";
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, not " + v);
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
        }
    }
}
