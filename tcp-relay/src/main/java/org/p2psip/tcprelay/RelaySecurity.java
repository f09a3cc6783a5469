package org.p2psip.tcprelay;

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

/**
 * Mutual TLS on a relay's own connections in a secured overlay: control ({@code LISTEN}), data
 * ({@code BIND}) and dial ({@code DIAL}) connections, on the relay's side ({@link TcpRelay}) and on
 * its clients' ({@link RelayedListener}, {@link DetourTunnel}). Both ends present a certificate; the
 * TLS context decides whom to trust (the overlay CA only); this class insists that the certificate
 * names a node and tells which. The relay binds an allocation to that Node-ID.
 *
 * <p>The public ports stay plain TCP: what arrives there is spliced byte for byte to the NATed
 * peer's service, which secures its own connections (end to end, like TURN).
 */
public final class RelaySecurity {
    private final SSLContext tls;
    private final Function<SSLSession, Optional<String>> nodeIdOf;
    /** A client's check: the Node-ID the relay's certificate must carry; null: any member of the overlay. */
    private final String expectedRelay;

    /**
     * @param tls      presents this node's certificate and trusts only the overlay CA
     * @param nodeIdOf the Node-ID in the other end's certificate, empty when it names none
     */
    public RelaySecurity(SSLContext tls, Function<SSLSession, Optional<String>> nodeIdOf) {
        this(tls, nodeIdOf, null);
    }

    private RelaySecurity(SSLContext tls, Function<SSLSession, Optional<String>> nodeIdOf, String expectedRelay) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.nodeIdOf = Objects.requireNonNull(nodeIdOf, "nodeIdOf");
        this.expectedRelay = expectedRelay;
    }

    /**
     * The same security for a client that connects only to the relay of node {@code nodeId} (the
     * node its signed {@code relay:tcp} record names): a relay whose certificate carries another
     * Node-ID fails the handshake.
     */
    public RelaySecurity expectingRelay(String nodeId) {
        return new RelaySecurity(tls, nodeIdOf, Objects.requireNonNull(nodeId, "nodeId"));
    }

    /** An unbound server socket that demands a client certificate. */
    ServerSocket newServerSocket() throws IOException {
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        s.setNeedClientAuth(true);
        return s;
    }

    /** An unconnected client socket. */
    Socket newSocket() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.setUseClientMode(true);
        return s;
    }

    /**
     * Runs the TLS handshake on a connected socket (its read timeout, or the caller's deadline,
     * bounds it) and returns the Node-ID the other end's certificate carries.
     *
     * @throws IOException when the handshake fails (no certificate, another CA's) or the certificate names no node
     */
    String handshake(Socket s) throws IOException {
        SSLSocket ssl = (SSLSocket) s;
        ssl.startHandshake();
        String id = nodeIdOf.apply(ssl.getSession())
                .orElseThrow(() -> new SSLPeerUnverifiedException("its certificate carries no Node-ID"));
        if (ssl.getUseClientMode() && expectedRelay != null && !expectedRelay.equalsIgnoreCase(id)) {
            throw new SSLPeerUnverifiedException("the relay's certificate names node " + id + ", not " + expectedRelay
                    + " (the node of its relay record)");
        }
        return id;
    }

    /** The first 8 hex digits of a Node-ID, as logs show it. */
    static String shortId(String nodeId) {
        return nodeId == null ? "-" : nodeId.length() > 8 ? nodeId.substring(0, 8) : nodeId;
    }

    /** A short, printable reason for a failed handshake (no stack trace: an expected error). */
    static String reason(IOException e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
