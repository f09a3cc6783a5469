package org.p2psip.sip;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import java.util.TooManyListenersException;
import javax.sip.TransportNotSupportedException;
import org.p2psip.control.CloseOnce;
import org.p2psip.control.SatoPortProcessMain;
import org.p2psip.control.message.Fields;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.proxy.Interfaces;
import org.p2psip.sip.proxy.NextHopRouter;
import org.p2psip.sip.proxy.NoDelayNetworkLayer;
import org.p2psip.sip.proxy.ProxySettings;
import org.p2psip.sip.proxy.SipProxy;
import org.p2psip.sip.proxy.LadderFeed;
import org.p2psip.sip.registrar.Registrar;
import org.p2psip.sip.auth.DigestAuthenticator;
import org.p2psip.sip.auth.Nonces;
import org.p2psip.sip.auth.SipUsers;
import org.p2psip.sip.stack.SipStacks;
import org.p2psip.sip.transport.SipListenerBounds;
import org.p2psip.sip.transport.SipParserFactory;
import org.p2psip.sip.transport.SipTransportFactory;
import org.p2psip.sip.registrar.BindingJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2PSIP-Port (paper Sec. 5.1.1; draft Sec. 3 and 4): a standard SIP proxy and registrar for
 * unmodified UAs whose location service is the SATO lookup service. Embeddable: the Overlay Manager
 * may run it in its own JVM ({@code new P2psipPort(config).start()}, {@link #close()}), or as a
 * process through {@link P2psipPortMain}. Either way it is driven only over its control socket: it
 * listens there, and its OM connects.
 */
public final class P2psipPort implements Closeable, SatoPortProcessMain.Port {
    private static final Logger log = LoggerFactory.getLogger(P2psipPort.class);
    /** How long a digest nonce is accepted (then the phone is challenged again with stale=true). */
    static final long NONCE_LIFETIME_MILLIS = 300_000;

    private final P2psipPortConfig config;
    private final CloseOnce closing = new CloseOnce(this);
    private ExecutorService workers;
    private ScheduledExecutorService timer;
    private OverlayLink overlay;
    private SipStack stack;
    private SipProvider uaProvider;
    private SipProvider overlayProvider;
    private Registrar registrar;
    private SipProxy proxy;
    private Interfaces interfaces;

    public P2psipPort(P2psipPortConfig config) {
        this.config = config;
    }

    /** Opens the control socket and both SIP interfaces. Throws if a socket or port cannot be had (everything opened so far is closed again). */
    public synchronized P2psipPort start() throws IOException {
        if (stack != null || closing.isClosed()) {
            throw new IllegalStateException("P2PSIP-Port already started or closed");
        }
        try {
            // bounded: 4 continuations per request the OM may leave unanswered (--max-om-requests)
            workers = new PortWorkers("p2psip-port-worker", config.threads(),
                    Math.max(64, Math.min(65_536, 4 * config.maxOmRequests())));
            ScheduledThreadPoolExecutor t1 = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "p2psip-port-timer");
                t.setDaemon(true);
                return t;
            });
            t1.setRemoveOnCancelPolicy(true); // one Timer C per INVITE branch, nearly always cancelled
            timer = t1;
            overlay = new OverlayLink(workers, config.omTimeout(), config.satoTimeout(), config.maxOmRequests(), this::status,
                    this::closeQuietly);
            overlay.overlayTransport(config.overlayTransport());
            overlay.listen(config.controlSocket(), config.name());
            SipStacks.Builder builder = SipStacks.builder("p2psip-port");
            if (config.securityDir() != null) {
                // fails here, naming the file, if the peer's certificate cannot be used
                org.p2psip.enrollment.NodeIdentity.load(config.securityDir());
                // the overlay side: SIP over TLS 1.3, both ends present a certificate of the overlay CA
                builder.property(NoDelayNetworkLayer.SECURITY_DIR, config.securityDir().toAbsolutePath().toString())
                        .property("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Enabled")
                        .property("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", org.p2psip.enrollment.OverlayTls.PROTOCOL)
                        .property("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384")
                        // a connection whose handshake is not done within the message deadline is closed
                        .property("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", Long.toString(config.tcpMessageDeadline().toMillis()));
            }
            stack = builder
                    .automaticDialogSupport(false)
                    .threadPoolSize(config.threads())
                    .property("javax.sip.ROUTER_PATH", NextHopRouter.class.getName())
                    .property("gov.nist.javax.sip.NETWORK_LAYER", NoDelayNetworkLayer.class.getName())
                    // TCP listening points: answers on the request's own connection (RFC 3261 18.2.2)
                    .property(SipTransportFactory.PROPERTY, SipTransportFactory.class.getName())
                    // repeated single-value headers are noted for request validation (400), not dropped
                    .property(SipParserFactory.PROPERTY, SipParserFactory.class.getName())
                    // TCP listeners: connection caps (beyond them a connection is closed at once) and a
                    // deadline for each whole message (slow senders)
                    .property(SipListenerBounds.MAX_CONNECTIONS, Integer.toString(config.maxTcpConnections()))
                    .property(SipListenerBounds.MAX_CONNECTIONS_PER_SOURCE, Integer.toString(config.maxTcpPerSource()))
                    .property(SipListenerBounds.MESSAGE_DEADLINE_MS, Long.toString(config.tcpMessageDeadline().toMillis()))
                    .property(SipListenerBounds.WRITE_TIMEOUT_MS, Long.toString(config.tcpWriteTimeout().toMillis()))
                    .property(SipListenerBounds.IDLE_TIMEOUT_MS, Long.toString(config.tcpIdleTimeout().toMillis()))
                    .property(SipStacks.REENTRANT_LISTENER, "true")
                    .property("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "200000")
                    .property("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "200000")
                    .property("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true")
                    .property("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "4194304")
                    .property("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", "4194304")
                    .property("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true")
                    .property("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true")
                    // the RI reads every datagram into a buffer of this size (SIP messages are far smaller; larger
                    // ones are refused); SipTransportFactory bounds how many wait (UDP_QUEUE), so a backlog under
                    // overload takes at most 512 x 32 KiB
                    .maxMessageSize(32768)
                    // a request that waited this long in the stack's queue is dropped (the UA has retransmitted)
                    .property("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "4000")
                    .create();
            ListeningPoint[] ua = uaListeningPoints();
            ListeningPoint ov = SipStacks.listen(stack, config.bindAddress(), config.overlayPort(),
                    config.securityDir() != null ? ListeningPoint.TLS : ListeningPoint.TCP);
            uaProvider = stack.createSipProvider(ua[0]);
            uaProvider.addListeningPoint(ua[1]);
            overlayProvider = stack.createSipProvider(ov);
            interfaces = new Interfaces(config.advertisedAddress(), ua[0].getPort(), ov.getPort(), uaProvider,
                    overlayProvider, SipStacks.factories().header(), SipStacks.factories().address())
                    .withOverlayAdvertised(config.overlayAdvertised())
                    .withOverlayTransport(config.overlayTransport());
            registrar = new Registrar(overlay, config.registrarPolicy(), config.expirySweepMillis(),
                    config.bindingsFile() == null ? null : new BindingJournal(config.bindingsFile(), SipStacks.factories().address()));
            DigestAuthenticator auth = authenticator();
            proxy = new SipProxy(interfaces, registrar, overlay, auth,
                    new ProxySettings(config.sdpRewrite(), config.timerC().toMillis(), config.maxCallDuration().toMillis(),
                            config.maxCallsInSetup(), config.targetSetupMillis()),
                    workers, timer, SipStacks.factories().message(), SipStacks.factories().header());
            LadderFeed trace = interfaces.ladder();
            overlay.onViewWatch(on -> {
                if (trace.watched() == on) {
                    return; // told again (the OM repeats it while watching)
                }
                trace.watch(on ? overlay::tellView : null);
                log.info("P2PSIP-Port {}: SIP messages of calls {} to the Overlay Manager's web view", config.name(),
                        on ? "now told" : "no longer told");
            });
            if (auth == null) {
                log.info("P2PSIP-Port {}: no users file (--users): no digest authentication, any phone may register any name",
                        config.name());
            } else {
                log.info("P2PSIP-Port {}: digest authentication for REGISTER and INVITE: {} users from {}, realm {}, algorithms {}",
                        config.name(), auth.users().size(), auth.users().source(), auth.realm(), auth.offered());
            }
            uaProvider.addSipListener(proxy);
            overlayProvider.addSipListener(proxy);
            log.info("P2PSIP-Port {} up: UA side {}:{} (udp, tcp), overlay side {}:{} ({}), control {}, SDP rewriting {}",
                    config.name(), config.bindAddress(), ua[0].getPort(), config.bindAddress(), ov.getPort(),
                    config.securityDir() != null ? "tls: mutual TLS with the overlay CA only" : "tcp",
                    config.controlSocket(), config.sdpRewrite() ? "on" : "off");
            return this;
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        } catch (PeerUnavailableException | TransportNotSupportedException | InvalidArgumentException
                 | ObjectInUseException | TooManyListenersException | javax.sip.TransportAlreadySupportedException e) {
            closeQuietly();
            throw new IOException("cannot start the SIP stack: " + e.getMessage(), e);
        }
    }

    /** UDP and TCP on the same UA-facing port (for an ephemeral port: retried until both are free). */
    private ListeningPoint[] uaListeningPoints() throws TransportNotSupportedException, InvalidArgumentException {
        InvalidArgumentException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            ListeningPoint udp = SipStacks.listen(stack, config.bindAddress(), config.sipPort(), ListeningPoint.UDP);
            try {
                ListeningPoint tcp = stack.createListeningPoint(config.bindAddress(), udp.getPort(), ListeningPoint.TCP);
                return new ListeningPoint[] {udp, tcp};
            } catch (InvalidArgumentException e) {
                last = e;
                try {
                    stack.deleteListeningPoint(udp);
                } catch (ObjectInUseException | RuntimeException x) {
                    // the RI's UDPMessageProcessor.stop() throws a NullPointerException for a processor that
                    // never ran; it has already been removed from the stack, which closes it with the stack
                    log.debug("cannot release UDP listening point: {}", x.toString());
                }
                if (config.sipPort() != 0) {
                    break;
                }
            }
        }
        throw last;
    }

    /** The UA-facing SIP port (UDP and TCP). */
    public int sipPort() {
        return interfaces.uaPort();
    }

    /** The overlay-facing TCP port (the SATO network interface). */
    public int overlayPort() {
        return interfaces.overlayPort();
    }

    public String address() {
        return config.advertisedAddress();
    }

    public P2psipPortConfig config() {
        return config;
    }

    /** Whether an Overlay Manager is connected to the control socket. */
    public boolean isOverlayManagerConnected() {
        return overlay != null && overlay.isConnected();
    }

    /** Status fields (also the answer to {@code port.status}). */
    public Map<String, String> status() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Fields.NAME, config.name());
        if (interfaces != null) {
            m.put(Fields.UA, interfaces.host() + ":" + interfaces.uaPort());
            m.put(Fields.UA_TRANSPORTS, "udp,tcp");
            m.put(Fields.OVERLAY, interfaces.overlayAdvertised());
            m.put(Fields.OVERLAY_BOUND, config.bindAddress() + ":" + interfaces.overlayPort());
            if (config.securityDir() != null) {
                // the overlay listener speaks TLS only: the OM offers it as the "secure" transport
                m.put(Fields.OVERLAY_PREFIX + "tls", interfaces.overlayAdvertised());
            }
        }
        m.put(Fields.SDP_REWRITE, config.sdpRewrite() ? "on" : "off");
        if (registrar != null) {
            m.put(Fields.USERS, Integer.toString(registrar.users()));
            m.put(Fields.BINDINGS, Integer.toString(registrar.bindings()));
            m.put(Fields.REGISTRATIONS_ACCEPTED, Long.toString(registrar.registrationsAccepted()));
            m.put(Fields.REGISTRATIONS_FAILED, Long.toString(registrar.registrationsFailed()));
        }
        if (proxy != null) {
            m.put(Fields.CALLS, Integer.toString(proxy.activeCalls()));
            m.put(Fields.CALLS_ENDED, Long.toString(proxy.endedCalls()));
            m.put(Fields.REQUESTS, Long.toString(proxy.requestsReceived()));
            m.put(Fields.REQUESTS_REJECTED, Long.toString(proxy.requestsRejected()));
            m.put(Fields.SATO_REQUESTS, Long.toString(proxy.satoRequests()));
            m.put(Fields.OM_OVERLOAD_REJECTIONS, Long.toString(overlay.overloadRejections()));
            m.put(Fields.CALLS_SHED, Long.toString(proxy.callsShed()));
            proxy.callOutcomes().forEach((c, n) -> m.put(Fields.CALLS_OUTCOME_PREFIX + c, Long.toString(n)));
        }
        return m;
    }

    /** Blocks until {@link #close()} (the CLI's main thread waits here). */
    @Override
    public void awaitClosed() throws InterruptedException {
        closing.await();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("error while stopping the P2PSIP-Port: {}", e.toString());
        }
    }

    /** Releases every SATO, stops the SIP stack (its threads end), and closes the control socket. Idempotent. */
    @Override
    public void close() {
        closing.close(this::stop);
    }

    private void stop() {
        if (proxy != null) {
            proxy.releaseAll("P2PSIP-Port stopping");
            overlay.drain(java.time.Duration.ofSeconds(2)); // let the OM hear the teardowns
        }
        if (stack != null) {
            SipStacks.shutdown(stack, uaProvider, overlayProvider);
        }
        if (registrar != null) {
            registrar.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.shutdownNow();
        }
        if (overlay != null) {
            overlay.close();
        }
        log.info("P2PSIP-Port {} stopped", config.name());
    }

    /** The digest authenticator of the users file, or null without one. */
    private DigestAuthenticator authenticator() {
        if (config.usersFile() == null) {
            return null;
        }
        return new DigestAuthenticator(SipUsers.read(config.usersFile()), config.realm(), config.digestAlgorithms(),
                new Nonces(NONCE_LIFETIME_MILLIS));
    }
}
