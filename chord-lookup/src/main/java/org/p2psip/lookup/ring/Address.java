package org.p2psip.lookup.ring;

import java.util.Objects;
import org.p2psip.lookup.LookupException;

/** A transport address {@code host:port} (IPv6 literals written {@code [::1]:4000}). */
public record Address(String host, int port) {

    public Address {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "port " + port + " is out of range 0..65535");
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}; a {@link LookupException} (BAD_ARGUMENT) otherwise. */
    public static Address parse(String s) {
        if (s == null || s.isBlank()) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "missing address (HOST:PORT)");
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "bad address '" + s + "': expected [IPv6]:PORT");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || s.indexOf(':') != colon) {
                throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "bad address '" + s + "': expected HOST:PORT");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new LookupException(LookupException.Reason.BAD_ARGUMENT, "bad port '" + port + "' in address '" + s + "'");
        }
        return new Address(host, p);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
