package org.p2psip.sip.proxy;

import javax.sip.address.Hop;

/**
 * A next hop chosen by the proxy (a signalling SATO's far end, a NATed UA's flow), handed to the
 * JAIN-SIP stack through the request's application data and returned by {@link NextHopRouter}.
 */
public record NextHop(String host, int port, String transport) implements Hop {
    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public String getTransport() {
        return transport;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/" + transport;
    }
}
