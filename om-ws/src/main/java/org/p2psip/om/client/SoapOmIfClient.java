package org.p2psip.om.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPConduitFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.p2psip.om.omif.LeanBus;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.omif.QuietFaults;
import org.p2psip.om.omif.Wire;
import org.p2psip.om.omif.v1.OverlayManagerPortType;
import org.p2psip.om.types.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OM IF stubs over SOAP/HTTP (CXF JAX-WS proxies), one per remote OM, cached: building a proxy
 * costs milliseconds, a call on a warm one well under one. The proxies share a private CXF bus
 * whose HTTP conduit is chosen deliberately ({@link ConduitChoice}); connections are kept alive.
 * CXF proxies are safe for concurrent calls as long as nobody changes their request context,
 * which this class never does after creating them.
 */
public final class SoapOmIfClient implements OmIfClient {
    private static final Logger log = LoggerFactory.getLogger(SoapOmIfClient.class);

    /** The endpoint path of the OM IF version 1 on every OM. */
    public static final String PATH = Wire.PATH;

    private final Bus bus;
    private final boolean ownBus;
    private final Duration connectTimeout;
    private final Duration receiveTimeout;
    private final ConduitChoice conduit;
    /** HTTPS with this node's certificate (a secured overlay), or null: plain HTTP. */
    private final OmIfTls tls;
    private final Map<Address, OverlayManagerPortType> stubs = new ConcurrentHashMap<>();
    /** Per stub: the Node-ID in the certificate its server presented last (secured only; as many as stubs). */
    private final Map<Address, java.util.concurrent.atomic.AtomicReference<String>> certified = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public SoapOmIfClient() {
        this(ConduitChoice.URL_CONNECTION, Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    public SoapOmIfClient(ConduitChoice conduit, Duration connectTimeout, Duration receiveTimeout) {
        this(null, conduit, connectTimeout, receiveTimeout);
    }

    /** With {@code bus} null the client creates (and on close shuts down) its own bus. */
    public SoapOmIfClient(Bus bus, ConduitChoice conduit, Duration connectTimeout, Duration receiveTimeout) {
        this(bus, conduit, connectTimeout, receiveTimeout, null);
    }

    /**
     * A client of a secured overlay's OM IF when {@code tls} is given: HTTPS, presenting this node's
     * certificate (the callee takes the caller's node id from it); plain HTTP when it is null.
     */
    public SoapOmIfClient(Bus bus, ConduitChoice conduit, Duration connectTimeout, Duration receiveTimeout, OmIfTls tls) {
        this.tls = tls;
        this.ownBus = bus == null;
        this.bus = bus != null ? bus : BusFactory.newInstance().createBus();
        this.conduit = conduit;
        this.connectTimeout = connectTimeout;
        this.receiveTimeout = receiveTimeout;
        this.bus.setExtension(conduit.factory(), HTTPConduitFactory.class);
        QuietFaults.install(this.bus);
        if (ownBus) {
            LeanBus.install(this.bus); // a bus handed in is the caller's to configure
        }
    }

    public ConduitChoice conduit() {
        return conduit;
    }

    /** A client of a secured overlay's OM IF (HTTPS, presenting {@code tls}'s certificate), default conduit and timeouts. */
    public static SoapOmIfClient secured(OmIfTls tls) {
        return new SoapOmIfClient(null, ConduitChoice.URL_CONNECTION, Duration.ofSeconds(3), Duration.ofSeconds(10), tls);
    }

    /** The URL of the plain-HTTP OM IF of the OM at {@code om}. */
    public static String url(Address om) {
        return url(om, false);
    }

    /** The URL of the OM IF of the OM at {@code om}: https in a secured overlay. */
    public static String url(Address om, boolean secured) {
        return (secured ? "https://" : "http://") + om + PATH;
    }

    /** Whether this client speaks HTTPS with a node certificate. */
    public boolean secured() {
        return tls != null;
    }

    @Override
    public OverlayManagerPortType port(Address om) {
        if (closed) {
            throw new IllegalStateException("OM IF client closed");
        }
        return stubs.computeIfAbsent(om, this::create);
    }

    private OverlayManagerPortType create(Address om) {
        JaxWsProxyFactoryBean f = new JaxWsProxyFactoryBean();
        f.setBus(bus);
        f.setServiceClass(OverlayManagerPortType.class);
        f.setAddress(url(om, tls != null));
        OverlayManagerPortType port = f.create(OverlayManagerPortType.class);
        Client client = ClientProxy.getClient(port);
        HTTPConduit http = (HTTPConduit) client.getConduit();
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(connectTimeout.toMillis());
        policy.setReceiveTimeout(receiveTimeout.toMillis());
        policy.setAllowChunking(false);
        policy.setAutoRedirect(false);
        http.setClient(policy);
        if (tls != null) {
            java.util.concurrent.atomic.AtomicReference<String> server = new java.util.concurrent.atomic.AtomicReference<>();
            certified.put(om, server);
            http.setTlsClientParameters(tls.clientParameters(server::set));
        }
        log.debug("OM IF stub for {} ({} conduit)", om, conduit);
        return port;
    }

    @Override
    public java.util.Optional<String> certifiedNodeId(Address om) {
        java.util.concurrent.atomic.AtomicReference<String> server = certified.get(om);
        return server == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(server.get());
    }

    @Override
    public void forget(Address om) {
        certified.remove(om);
        OverlayManagerPortType p = stubs.remove(om);
        if (p != null) {
            destroy(p);
        }
    }

    private static void destroy(OverlayManagerPortType p) {
        try {
            ClientProxy.getClient(p).destroy();
        } catch (RuntimeException e) {
            log.debug("closing an OM IF stub: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        stubs.values().forEach(SoapOmIfClient::destroy);
        stubs.clear();
        certified.clear();
        if (ownBus) {
            bus.shutdown(true);
        }
    }
}
