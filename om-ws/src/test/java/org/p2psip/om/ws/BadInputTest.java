package org.p2psip.om.ws;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.types.Address;

/**
 * Malformed and hostile requests on a real OM IF endpoint, sent as raw HTTP over a socket: each
 * gets a SOAP Fault or an HTTP 4xx, and the OM keeps serving well-formed requests afterwards.
 */
public class BadInputTest {
    private static final String NS = "http://p2psip.org/om-if/v1";
    private static final String CALLER = "0123456789abcdef0123456789abcdef01234567";
    private OverlayManager om;
    private Address addr;

    @Before
    public void setUp() throws Exception {
        om = OverlayManager.builder().nodeId("fedcba9876543210fedcba9876543210fedcba98")
                .ports(new NoPorts()).maxBodyBytes(64 * 1024).build().start();
        addr = om.address();
    }

    @After
    public void tearDown() {
        om.close();
    }

    /** One HTTP/1.1 exchange; returns status line + headers + body as text. */
    private String exchange(String method, String path, String contentType, byte[] body, boolean chunked, String soapAction)
            throws IOException {
        try (Socket s = new Socket(addr.host(), addr.port())) {
            s.setSoTimeout(20_000);
            StringBuilder h = new StringBuilder();
            h.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            h.append("Host: ").append(addr).append("\r\n");
            h.append("Connection: close\r\n");
            if (contentType != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (soapAction != null) {
                h.append("SOAPAction: \"").append(soapAction).append("\"\r\n");
            }
            if (body != null && !chunked) {
                h.append("Content-Length: ").append(body.length).append("\r\n");
            }
            if (body != null && chunked) {
                h.append("Transfer-Encoding: chunked\r\n");
            }
            h.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            try {
                if (body != null && !chunked) {
                    out.write(body);
                } else if (body != null) {
                    int off = 0;
                    while (off < body.length) {
                        int n = Math.min(8192, body.length - off);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, off, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        off += n;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it read the whole (oversized) body
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream resp = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    resp.write(buf, 0, n);
                }
            } catch (IOException e) {
                // connection reset after the answer
            }
            return resp.toString(StandardCharsets.UTF_8);
        }
    }

    private String post(String xml, String action) throws IOException {
        return exchange("POST", SoapOmIfClient.PATH, "text/xml; charset=UTF-8", xml.getBytes(StandardCharsets.UTF_8), false, action);
    }

    private static int status(String response) {
        assertTrue("no HTTP answer: " + response, response.startsWith("HTTP/1.1 "));
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + body + "</soap:Body></soap:Envelope>";
    }

    private void assertStillServing() throws Exception {
        try (SoapOmIfClient c = new SoapOmIfClient()) {
            RemoteOverlayManager r = new RemoteOverlayManager(c, () -> CALLER, () -> null);
            assertEquals(om.nodeId(), r.ping(addr, 7, 0).nodeId());
        }
        String ok = exchange("POST", SoapOmIfClient.PATH, "text/xml", envelope("<om:Ping xmlns:om=\"" + NS + "\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:sequence>3</om:sequence></om:Ping>").getBytes(StandardCharsets.UTF_8), false, NS + "/Ping");
        assertEquals(ok, 200, status(ok));
        assertTrue("answers are UTF-8: " + ok, ok.toLowerCase(java.util.Locale.ROOT).contains("charset=utf-8"));
        assertTrue(ok, ok.contains("<sequence>3</sequence>") || ok.contains(":sequence>3<"));
    }

    private static void assertSoapFault(String r) {
        int st = status(r);
        assertTrue("expected a SOAP fault (500) or 4xx, got: " + r, st == 500 || (st >= 400 && st < 500));
        if (st == 500) {
            assertTrue("a 500 must carry a SOAP Fault: " + r, r.contains("Fault>") && r.contains("faultstring"));
        }
    }

    @Test
    public void wellFormedRequestWorks() throws Exception {
        assertStillServing();
    }

    @Test
    public void utf8WithoutDeclaredCharsetRoundTrips() throws Exception {
        String id = "sato-\u00fc\u20ac\u4e2d";
        String r = exchange("POST", SoapOmIfClient.PATH, "text/xml", envelope("<om:TeardownSato xmlns:om=\"" + NS
                + "\"><om:callerNodeId>" + CALLER + "</om:callerNodeId><om:satoId>" + id + "</om:satoId></om:TeardownSato>")
                .getBytes(StandardCharsets.UTF_8), false, NS + "/TeardownSato");
        assertSoapFault(r);
        assertTrue("the UnknownSato fault names the SATO, in UTF-8: " + r, r.contains("<satoId>" + id + "</satoId>"));
    }

    @Test
    public void malformedXmlGetsAFault() throws Exception {
        String r = post("<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><oops",
                NS + "/Ping");
        assertSoapFault(r);
        assertSoapFault(post("this is not XML at all", NS + "/Ping"));
        assertStillServing();
    }

    @Test
    public void wrongNamespaceGetsAFault() throws Exception {
        String r = post(envelope("<om:Ping xmlns:om=\"http://p2psip.org/om-if/v2\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:sequence>1</om:sequence></om:Ping>"), "http://p2psip.org/om-if/v2/Ping");
        assertSoapFault(r);
        String r2 = post(envelope("<om:Ping xmlns:om=\"http://p2psip.org/om-if/v2\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:sequence>1</om:sequence></om:Ping>"), "");
        assertSoapFault(r2);
        assertStillServing();
    }

    @Test
    public void unknownOperationGetsAFault() throws Exception {
        assertSoapFault(post(envelope("<om:Reboot xmlns:om=\"" + NS + "\"/>"), NS + "/Reboot"));
        assertSoapFault(post(envelope("<om:Reboot xmlns:om=\"" + NS + "\"/>"), ""));
        assertStillServing();
    }

    @Test
    public void missingOrBadFieldsGetDeclaredFaults() throws Exception {
        String noCaller = post(envelope("<om:Ping xmlns:om=\"" + NS + "\"><om:sequence>1</om:sequence></om:Ping>"), NS + "/Ping");
        assertSoapFault(noCaller);
        assertTrue(noCaller, noCaller.contains("InvalidRequest"));
        String badEnum = post(envelope("<om:NegotiateTransport xmlns:om=\"" + NS + "\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:satoId>s1</om:satoId><om:purpose>teleportation</om:purpose>"
                + "<om:candidate><om:transport>tcp</om:transport><om:endpoint><om:host>127.0.0.1</om:host><om:port>1</om:port></om:endpoint></om:candidate>"
                + "</om:NegotiateTransport>"), NS + "/NegotiateTransport");
        assertSoapFault(badEnum);
        assertTrue(badEnum, badEnum.contains("InvalidRequest"));
        String badPort = post(envelope("<om:NegotiateTransport xmlns:om=\"" + NS + "\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:satoId>s1</om:satoId><om:purpose>signalling</om:purpose>"
                + "<om:candidate><om:transport>tcp</om:transport><om:endpoint><om:host>127.0.0.1</om:host><om:port>99999</om:port></om:endpoint></om:candidate>"
                + "</om:NegotiateTransport>"), NS + "/NegotiateTransport");
        assertSoapFault(badPort);
        assertTrue(badPort, badPort.contains("InvalidRequest"));
        String notANumber = post(envelope("<om:Ping xmlns:om=\"" + NS + "\"><om:callerNodeId>" + CALLER
                + "</om:callerNodeId><om:sequence>many</om:sequence></om:Ping>"), NS + "/Ping");
        assertSoapFault(notANumber);
        assertStillServing();
    }

    @Test
    public void oversizedBodyIsRefused() throws Exception {
        byte[] big = new byte[1024 * 1024];
        Arrays.fill(big, (byte) 'A');
        String prefix = "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<om:Ping xmlns:om=\"" + NS + "\"><om:callerNodeId>" + CALLER + "</om:callerNodeId><om:sequence>1</om:sequence><om:padding>";
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(p, 0, big, 0, p.length);
        String declared = exchange("POST", SoapOmIfClient.PATH, "text/xml", big, false, NS + "/Ping");
        assertEquals(declared, 413, status(declared));
        String chunked = exchange("POST", SoapOmIfClient.PATH, "text/xml", big, true, NS + "/Ping");
        assertSoapFault(chunked);
        assertStillServing();
    }

    @Test
    public void deeplyNestedXmlIsRefused() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append("<a>");
        }
        for (int i = 0; i < 2000; i++) {
            sb.append("</a>");
        }
        assertSoapFault(post(envelope("<om:Ping xmlns:om=\"" + NS + "\">" + sb + "</om:Ping>"), NS + "/Ping"));
        assertStillServing();
    }

    @Test
    public void wrongPathMethodAndContentTypeGet4xxOrFault() throws Exception {
        int wrongPath = status(exchange("POST", "/om/v0", "text/xml", "<x/>".getBytes(StandardCharsets.UTF_8), false, null));
        assertTrue("an unknown path is a client error: " + wrongPath, wrongPath >= 400 && wrongPath < 500);
        String get = exchange("GET", SoapOmIfClient.PATH, null, null, false, null);
        int st = status(get);
        assertTrue(get, st >= 400 && st < 600);
        String json = exchange("POST", SoapOmIfClient.PATH, "application/json", "{\"op\":\"Ping\"}".getBytes(StandardCharsets.UTF_8), false, null);
        assertEquals(json, 415, status(json));
        String wsdl = exchange("GET", SoapOmIfClient.PATH + "?wsdl", null, null, false, null);
        assertEquals(200, status(wsdl));
        assertTrue("the endpoint describes itself with the WSDL of wsdl/", wsdl.contains("OverlayManagerPortType") && wsdl.contains(NS));
        assertStillServing();
    }
}
