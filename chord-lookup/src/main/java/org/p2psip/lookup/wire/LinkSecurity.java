package org.p2psip.lookup.wire;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.p2psip.lookup.ring.Id;

/**
 * Mutual TLS on the lookup service wire (a secured overlay): the sockets {@link TcpTransport} listens
 * and connects with, and the Node-ID of the node at the other end, read from the certificate it
 * presented. The TLS context decides whom to trust (the overlay CA only); this class only insists
 * that both ends present a certificate and that it names a node.
 */
public final class LinkSecurity {
    private final SSLContext tls;
    private final Function<SSLSession, Optional<String>> nodeIdOf;

    /**
     * @param tls      presents this node's certificate and trusts only the overlay CA
     * @param nodeIdOf the Node-ID (40 hex digits) in the other end's certificate, empty when it names none
     */
    public LinkSecurity(SSLContext tls, Function<SSLSession, Optional<String>> nodeIdOf) {
        this.tls = Objects.requireNonNull(tls);
        this.nodeIdOf = Objects.requireNonNull(nodeIdOf);
    }

    /** An unbound server socket that demands a client certificate. */
    ServerSocket newServerSocket() throws IOException {
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        s.setNeedClientAuth(true);
        return s;
    }

    /** An unconnected client socket. */
    Socket newSocket() throws IOException {
        return tls.getSocketFactory().createSocket();
    }

    /**
     * Runs the TLS handshake on a connected socket (its read timeout bounds it) and returns the
     * Node-ID the other end's certificate carries.
     *
     * @throws IOException when the handshake fails (no certificate, another CA's) or the certificate names no node
     */
    Id handshake(Socket s) throws IOException {
        SSLSocket ssl = (SSLSocket) s;
        ssl.startHandshake();
        String id = nodeIdOf.apply(ssl.getSession()).orElseThrow(
                () -> new SSLPeerUnverifiedException("its certificate carries no Node-ID"));
        try {
            return Id.fromHex(id);
        } catch (IllegalArgumentException e) {
            throw new SSLPeerUnverifiedException("its certificate carries a malformed Node-ID: " + id);
        }
    }
}
