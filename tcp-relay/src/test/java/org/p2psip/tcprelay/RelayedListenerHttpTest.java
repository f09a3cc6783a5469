package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** HTTP (the OM's SOAP transport) through the relay: JDK HttpServer behind, HttpURLConnection in front. */
public class RelayedListenerHttpTest {

    private HttpServer http;
    private TcpRelay relay;
    private RelayedListener listener;

    @Before
    public void setUp() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/echo", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String text = exchange.getRequestMethod() + " " + body.length + " " + exchange.getRequestURI().getQuery();
            byte[] answer = text.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        http.start();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null);
        listener = RelayedListener.open(relay.address(), "om-soap",
                () -> new InetSocketAddress(InetAddress.getLoopbackAddress(), http.getAddress().getPort()),
                Duration.ofSeconds(1));
    }

    @After
    public void tearDown() {
        listener.close();
        relay.close();
        http.stop(0);
    }

    private String request(String method, String query, byte[] body) throws IOException {
        InetSocketAddress pub = listener.publicAddress();
        URL url = new URL("http://" + pub.getHostString() + ":" + pub.getPort() + "/echo?" + query);
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod(method);
        if (body != null) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        assertEquals(200, connection.getResponseCode());
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    public void requestsReuseOneRelayedConnection() throws Exception {
        assertEquals("GET 0 n=1", request("GET", "n=1", null));
        assertEquals("POST 300000 n=2", request("POST", "n=2", Net.randomBytes(300_000, 9)));
        assertEquals("GET 0 n=3", request("GET", "n=3", null));
        assertEquals("one keep-alive connection for three requests", 1, listener.stats().connectionsRelayed());
        assertEquals(1, relay.stats().get(0).connectionsAccepted());
    }
}
