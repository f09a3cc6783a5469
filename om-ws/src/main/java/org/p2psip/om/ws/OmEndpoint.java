package org.p2psip.om.ws;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import javax.xml.namespace.QName;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngine;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngineFactory;
import org.p2psip.om.omif.LeanBus;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.omif.QuietFaults;
import org.p2psip.om.omif.Wire;
import org.p2psip.om.omif.v1.OverlayManagerPortType;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OM IF endpoint of one Overlay Manager: {@link OmService} published by CXF on its embedded
 * Jetty at {@code http://HOST:PORT/om/v1}, described by the very WSDL in {@code wsdl/} (served at
 * {@code ?wsdl}). Several OMs can live in one JVM (tests, the demo): each has its own Jetty
 * engine on its own port, all on one shared server bus.
 * Port 0 picks a free port. Requests larger than the body limit get HTTP 413; the StAX parser
 * limits bound depth, element count and text length of the rest.
 */
public final class OmEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OmEndpoint.class);
    public static final String NS = "http://p2psip.org/om-if/v1";
    public static final QName SERVICE = new QName(NS, "OverlayManagerService");
    public static final QName PORT = new QName(NS, "OverlayManagerPort");
    public static final String WSDL = "classpath:wsdl/om-if-v1.wsdl";

    private static Bus sharedBus;
    private final Server server;
    private final Address address;
    private final String scheme;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private OmEndpoint(Server server, Address address, String scheme) {
        this.server = server;
        this.address = address;
        this.scheme = scheme;
    }

    /** Publishes the OM IF of an OM's acceptor side on {@code bind} (port 0: a free port), plain HTTP. */
    public static OmEndpoint publish(OmIfRequests acceptor, Address bind, int maxBodyBytes) throws OmException {
        return publish(acceptor, bind, maxBodyBytes, null, HttpBounds.DEFAULT);
    }

    /**
     * Publishes the OM IF of an OM's acceptor side with the listener's {@code bounds} ({@link HttpBounds}):
     * HTTPS with client certificates when {@code tls} is given (a secured overlay; the caller's node id
     * is then the one in its certificate), plain HTTP when it is null.
     */
    public static OmEndpoint publish(OmIfRequests acceptor, Address bind, int maxBodyBytes, OmIfTls tls,
            org.p2psip.common.ListenerBounds bounds) throws OmException {
        return publish(new OmService(acceptor, tls), bind, maxBodyBytes, tls, bounds);
    }

    /** Publishes any implementation of the OM IF (tests and benchmarks use this with a plain service). */
    public static OmEndpoint publish(OverlayManagerPortType service, Address bind, int maxBodyBytes) throws OmException {
        return publish(service, bind, maxBodyBytes, null, HttpBounds.DEFAULT);
    }

    /**
     * As {@link #publish(OverlayManagerPortType, Address, int)}, over HTTPS with client certificates
     * when {@code tls} is given, with the listener's {@code bounds} ({@link HttpBounds}).
     */
    public static OmEndpoint publish(OverlayManagerPortType service, Address bind, int maxBodyBytes, OmIfTls tls,
            org.p2psip.common.ListenerBounds bounds) throws OmException {
        String scheme = tls == null ? "http" : "https";
        int attempts = bind.port() == 0 ? 5 : 1;
        OmException last = null;
        Bus bus = serverBus();
        for (int i = 0; i < attempts; i++) {
            int port = bind.port() == 0 ? freePort(bind.host()) : bind.port();
            try {
                JettyHTTPServerEngineFactory engines = bus.getExtension(JettyHTTPServerEngineFactory.class);
                if (tls != null) {
                    engines.setTLSServerParametersForPort(bind.host(), port, tls.serverParameters());
                }
                JettyHTTPServerEngine engine = engines.createJettyHTTPServerEngine(bind.host(), port, scheme);
                engine.setSendServerVersion(false);
                HttpBounds.beforeStart(engine, bounds);
                JaxWsServerFactoryBean f = new JaxWsServerFactoryBean();
                f.setBus(bus);
                f.setServiceClass(OverlayManagerPortType.class);
                f.setServiceBean(service);
                f.setWsdlLocation(WSDL);
                f.setServiceName(SERVICE);
                f.setEndpointName(PORT);
                Address a = new Address(bind.host(), port);
                f.setAddress(scheme + "://" + a + Wire.PATH);
                Map<String, Object> props = new HashMap<>();
                props.put("org.apache.cxf.stax.maxElementDepth", 32);
                props.put("org.apache.cxf.stax.maxChildElements", 10_000);
                props.put("org.apache.cxf.stax.maxElementCount", 100_000);
                props.put("org.apache.cxf.stax.maxAttributeCount", 64);
                props.put("org.apache.cxf.stax.maxTextLength", maxBodyBytes);
                props.put("org.apache.cxf.stax.maxXMLCharacters", (long) maxBodyBytes * 2);
                f.setProperties(props);
                f.getInInterceptors().add(new BodyLimitInterceptor(maxBodyBytes));
                Server server = f.create();
                HttpBounds.afterStart(engine, bind.host() + ":" + port, bounds);
                log.debug("OM IF endpoint published at {}://{}{}", scheme, a, Wire.PATH);
                return new OmEndpoint(server, a, scheme);
            } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
                JettyHTTPServerEngineFactory.destroyForPort(port);
                last = new OmException(OmException.Kind.RESOURCES_EXHAUSTED, "port",
                        "cannot publish the OM IF on " + bind.host() + ":" + port + ": " + e.getMessage(), e);
                log.debug("publishing on port {} failed: {}", port, e.toString());
            }
        }
        throw last;
    }

    /**
     * The CXF bus of every OM IF endpoint in this JVM. CXF keeps its Jetty engines in one static
     * table, and shutting any bus down visits all of them, so the endpoints share one bus that
     * lives as long as the JVM; each endpoint stops its own Jetty engine when it closes.
     */
    private static synchronized Bus serverBus() {
        if (sharedBus == null) {
            sharedBus = BusFactory.newInstance().createBus();
            QuietFaults.install(sharedBus);
            LeanBus.install(sharedBus);
        }
        return sharedBus;
    }

    private static int freePort(String host) throws OmException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new OmException(OmException.Kind.RESOURCES_EXHAUSTED, "port", "no free TCP port on " + host + ": " + e.getMessage(), e);
        }
    }

    public Address address() {
        return address;
    }

    public String url() {
        return scheme + "://" + address + Wire.PATH;
    }

    /** Whether the endpoint is HTTPS with client certificates. */
    public boolean secured() {
        return scheme.equals("https");
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            server.stop();
            server.destroy();
        } finally {
            JettyHTTPServerEngineFactory.destroyForPort(address.port());
        }
    }
}
