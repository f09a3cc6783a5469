package org.p2psip.om.client;

import org.apache.cxf.transport.http.HTTPConduitFactory;
import org.apache.cxf.transport.http.HttpClientHTTPConduit;
import org.apache.cxf.transport.http.URLConnectionHTTPConduit;

/**
 * Which CXF HTTP client conduit carries OM IF requests. CXF 4 defaults to the
 * {@code java.net.http.HttpClient} conduit; on plain HTTP over loopback the
 * {@code HttpURLConnection} conduit is two to three times faster per round trip (measured with
 * {@code scripts/bench om}, figures in om-ws/README.md), so it is the OM's default.
 */
public enum ConduitChoice {
    /** {@link URLConnectionHTTPConduit}: keep-alive connections from the JDK's pool; the default. */
    URL_CONNECTION,
    /** {@link HttpClientHTTPConduit}: CXF 4's own default (HTTP/2-capable java.net.http client). */
    HTTP_CLIENT;

    HTTPConduitFactory factory() {
        switch (this) {
            case HTTP_CLIENT:
                return (transportFactory, bus, endpoint, target) -> new HttpClientHTTPConduit(bus, endpoint, target);
            case URL_CONNECTION:
            default:
                return (transportFactory, bus, endpoint, target) -> new URLConnectionHTTPConduit(bus, endpoint, target);
        }
    }
}
