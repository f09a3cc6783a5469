package org.p2psip.lookup.ring;

import java.util.Objects;
import org.p2psip.common.HostPort;
import org.p2psip.lookup.LookupException;

/** A transport address {@code host:port} (IPv6 literals written {@code [::1]:4000}). */
public record Address(String host, int port) {

    public Address {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "port " + port + " is out of range 0..65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port} (the notation of {@link HostPort}); a
     * {@link LookupException} (BAD_ARGUMENT) otherwise.
     */
    public static Address parse(String s) {
        if (s == null || s.isBlank()) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "missing address (HOST:PORT)");
        }
        HostPort h;
        try {
            h = HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "bad address: " + e.getMessage());
        }
        return new Address(h.host(), h.port());
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
