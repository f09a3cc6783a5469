package org.p2psip.common;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A transport address written {@code HOST:PORT}, with IPv6 literals in brackets ({@code [::1]:5060}):
 * the one parser of that notation for every part of the peer (command lines, control messages, peer
 * records, the TCP relay's protocol). Port 0 is allowed: it means "any free port" where something
 * is bound.
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }

    /**
     * Parses {@code HOST:PORT} or {@code [V6]:PORT}; a bare IPv6 literal without brackets is refused
     * (its last colon is ambiguous). Throws {@link IllegalArgumentException} quoting the text.
     */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing HOST:PORT");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("not [IPv6]:PORT: '" + text + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("not HOST:PORT: '" + text + "'");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + port + "' in '" + text + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535 in '" + text + "'");
        }
        return new HostPort(host, p);
    }

    /** Like {@link #parse} but for an address something connects to: port 0 is refused. */
    public static HostPort parseRemote(String text) {
        HostPort h = parse(text);
        if (h.port == 0) {
            throw new IllegalArgumentException("port 0 in '" + text + "': a remote address needs a real port");
        }
        return h;
    }

    public static HostPort of(InetSocketAddress a) {
        return new HostPort(a.getHostString(), a.getPort());
    }

    /** The host as it goes into a URI (IPv6 in brackets). */
    public String uriHost() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** A resolved socket address (resolves names; use literals on the call path). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** An unresolved socket address (no name look-up). */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return uriHost() + ":" + port;
    }
}
