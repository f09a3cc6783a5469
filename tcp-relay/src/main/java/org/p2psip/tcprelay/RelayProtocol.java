package org.p2psip.tcprelay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.p2psip.common.HostPort;

/** Words, syntax and address format of the relay line protocol (see {@code docs/tcp-relay.md}). */
final class RelayProtocol {

    static final String LISTEN = "LISTEN";
    static final String BIND = "BIND";
    static final String DIAL = "DIAL";
    static final String CONNECT = "CONNECT";
    static final String PING = "PING";
    static final String PONG = "PONG";
    static final String OK = "OK";
    static final String ERR = "ERR";

    /** Allocation names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Connection ids: 16 hex digits (64 random bits). */
    static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private RelayProtocol() {
    }

    /** Writes one line (the terminator is added). */
    static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    static String format(String host, int port) {
        return new HostPort(host, port).toString();
    }

    /** {@link #format(String, int)} of an address, keeping its host string (no lookup). */
    static String format(InetSocketAddress address) {
        return format(address.getHostString(), address.getPort());
    }

    /** Parses {@code host:port} (IPv6 literal in brackets); no DNS lookup, see {@link #address}. */
    static InetSocketAddress parseAddress(String text) throws ProtocolException {
        HostPort h;
        try {
            h = HostPort.parseRemote(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad address: " + text);
        }
        return address(h.host(), h.port());
    }

    /** A port number 0-65535, or a {@link ProtocolException}. */
    static int parsePort(String text) throws ProtocolException {
        if (!text.matches("\\d{1,5}")) {
            throw new ProtocolException("bad port: " + text);
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new ProtocolException("bad port: " + text);
        }
        return port;
    }

    /**
     * An address that keeps {@code host} as given: resolved without a lookup if it is an IP
     * literal, otherwise unresolved.
     */
    static InetSocketAddress address(String host, int port) {
        if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                // not a valid literal after all: keep it as a name
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
