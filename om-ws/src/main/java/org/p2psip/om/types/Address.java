package org.p2psip.om.types;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.p2psip.common.HostPort;

/** A transport address, host and port, as it travels in the OM IF. */
public record Address(String host, int port) {
    public Address {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port} ({@link HostPort#parse}, the one parser of that
     * notation); {@link IllegalArgumentException} quoting the text otherwise.
     */
    public static Address parse(String s) {
        Objects.requireNonNull(s, "address");
        return of(HostPort.parse(s));
    }

    public static Address of(HostPort h) {
        return new Address(h.host(), h.port());
    }

    public HostPort hostPort() {
        return new HostPort(host, port);
    }

    public static Address of(InetSocketAddress a) {
        return new Address(a.getHostString(), a.getPort());
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return hostPort().toString();
    }
}
