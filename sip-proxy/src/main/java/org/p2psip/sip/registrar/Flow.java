package org.p2psip.sip.registrar;

/**
 * Where a UA's packets really come from: the transport and the source address of its REGISTER
 * (RFC 3581 {@code received}/{@code rport}). Requests for a UA behind a NAT are sent here rather than to
 * the (unreachable) address in its Contact.
 */
public record Flow(String transport, String host, int port) {
    @Override
    public String toString() {
        return transport + ":" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
