package org.p2psip.sip.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * The inside of {@code Rfc4475AsPublishedTest}: run in a network namespace of its own ({@code unshare
 * -n}), it starts P2PSIP-Ports on 127.0.1.x:5060 (lanes, see {@link #main}), each with a real OM
 * stand-in, fires every RFC 4475 message, byte for byte as published, from a loopback address of its own per message and transport (127.0.2.x for UDP, 127.0.3.x for TCP), and
 * listens where RFC 3261 18.2.2 says the response goes: over UDP the source address (the Via's
 * {@code received}) and the Via's sent-by port (the source port with {@code rport}; the test sends from
 * the sent-by port, so both are the same socket); over TCP the request's own connection, else a new
 * connection to the source address and sent-by port. One line per message and transport on stdout:
 * {@code RESULT name transport channel base64(response)} per response, {@code NONE name transport} when
 * nothing came; then {@code ALIVE lane transport code} for a well-formed OPTIONS to every lane afterwards.
 */
public final class TortureShooter {
    static final int SIP_PORT = 5060;
    /** How long to wait for a final response after the last thing received. */
    static final int WINDOW_MS = Integer.getInteger("torture.window.ms", 3000);

    private static final Pattern VIA = Pattern.compile(
            "(?im)^(?:via|v)[ \\t]*:[ \\t]*SIP[ \\t]*/[ \\t]*[0-9.]+[ \\t]*/[ \\t]*[A-Za-z]+[ \\t]+(\\[[^\\]]*\\]|[^;:,\\s]+)(?:[ \\t]*:[ \\t]*(\\d+))?");

    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*([^\\r\\n]*)");

    private TortureShooter() {
    }


    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.US_ASCII);
        List<Path> messages = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".dat")).sorted().forEach(messages::add);
        }
        // RFC 3261 17.2.3: a request with the branch, sent-by and method of one seen in the last 32 s is a
        // retransmission. The RFC 4475 messages share branches (22 use z9hG4bKkdjuw) and each is fired
        // twice, so a shot goes to a P2PSIP-Port (a lane) that has not seen its branch.
        List<Shot> shots = new ArrayList<>();
        List<java.util.Set<String>> lanes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            byte[] bytes = Files.readAllBytes(messages.get(i));
            String name = messages.get(i).getFileName().toString().replace(".dat", "");
            for (boolean tcp : new boolean[] {false, true}) {
                String branch = branch(bytes);
                int lane = 0;
                while (lane < lanes.size() && lanes.get(lane).contains(branch)) {
                    lane++;
                }
                if (lane == lanes.size()) {
                    lanes.add(new java.util.HashSet<>());
                }
                lanes.get(lane).add(branch);
                shots.add(new Shot(name, bytes, tcp, lane, source(tcp ? 3 : 2, i)));
            }
        }
        Path sockets = Files.createTempDirectory("p2psip-rfc4475");
        // a lookup service per lane (in memory: not what is tested here), so that a user one lane
        // registered is not found by another lane, as peers of separate overlays
        List<TestOverlay> overlays = new ArrayList<>();
        List<P2psipPort> ports = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int lane = 0; lane < lanes.size(); lane++) {
                P2psipPort port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p" + lane + ".sock")).name("peer-" + lane)
                        .bindAddress(portAddress(lane).getHostAddress()).sipPort(SIP_PORT).overlayPort(0).threads(2)).start();
                ports.add(port);
                TestOverlay overlay = TestOverlay.inMemory();
                overlays.add(overlay);
                overlay.attach("peer-" + lane, port, 0);
            }
            for (P2psipPort port : ports) {
                TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
            }
            out.println("READY " + lanes.size() + " lanes");
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (Shot shot : shots) {
                results.add(pool.submit(() -> report(shot.name, shot.tcp ? "tcp" : "udp",
                        shoot(shot.bytes, shot.source, portAddress(shot.lane), shot.tcp))));
            }
            for (java.util.concurrent.Future<String> f : results) {
                out.print(f.get());
            }
            for (int lane = 0; lane < lanes.size(); lane++) {
                InetAddress to = portAddress(lane);
                out.println("ALIVE " + lane + " udp " + code(shoot(options("UDP", lane).getBytes(StandardCharsets.US_ASCII),
                        source(4, lane), to, false)));
                out.println("ALIVE " + lane + " tcp " + code(shoot(options("TCP", lane).getBytes(StandardCharsets.US_ASCII),
                        source(5, lane), to, true)));
            }
        } finally {
            List<java.util.concurrent.Future<?>> closing = new ArrayList<>();
            for (int lane = 0; lane < ports.size(); lane++) {
                P2psipPort port = ports.get(lane);
                TestOverlay overlay = overlays.get(lane);
                closing.add(pool.submit(() -> TestPeers.closeAll(port, overlay)));
            }
            for (java.util.concurrent.Future<?> f : closing) {
                f.get();
            }
            pool.shutdownNow();
            out.println("DONE");
        }
    }

    /** One message fired over one transport at one lane's P2PSIP-Port from one source address. */
    private record Shot(String name, byte[] bytes, boolean tcp, int lane, InetAddress source) {
    }

    /** The lane's P2PSIP-Port: 127.0.1.(lane + 1), port 5060. */
    static InetAddress portAddress(int lane) {
        return source(1, lane - 9);
    }

    /** The branch of the message's first Via, lower case ("" if none). */
    static String branch(byte[] msg) {
        Matcher m = Pattern.compile("(?i)branch\\s*=\\s*([^;,\\s]*)").matcher(new String(msg, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : "";
    }

    private static String report(String name, String transport, List<String[]> responses) {
        StringBuilder b = new StringBuilder();
        if (responses.isEmpty()) {
            b.append("NONE " + name + " " + transport + "\n");
        }
        for (String[] r : responses) {
            b.append("RESULT " + name + " " + transport + " " + r[0] + " "
                    + Base64.getEncoder().encodeToString(r[1].getBytes(StandardCharsets.ISO_8859_1)) + "\n");
        }
        return b.toString();
    }

    /** 127.0.N.(10 + i): the source of shot {@code i} over transport N. */
    private static InetAddress source(int net, int i) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) net, (byte) (10 + i)});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String code(List<String[]> responses) {
        return responses.isEmpty() ? "none" : responses.get(responses.size() - 1)[1].substring(8, 11);
    }

    static String options(String transport, int lane) {
        String from = source(transport.equals("UDP") ? 4 : 5, lane).getHostAddress();
        String to = portAddress(lane).getHostAddress();
        return "OPTIONS sip:" + to + ":" + SIP_PORT + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + from + ";branch=z9hG4bKalive" + transport + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:probe@" + from + ">;tag=1\r\nTo: <sip:" + to + ">\r\n"
                + "Call-ID: alive-" + transport + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** The sent-by port of the message's first Via (5060 when it names none or cannot be read). */
    static int sentByPort(byte[] msg) {
        String s = new String(msg, StandardCharsets.ISO_8859_1).replaceAll("\r\n[ \t]+", " ");
        Matcher m = VIA.matcher(s);
        return m.find() && m.group(2) != null ? Integer.parseInt(m.group(2)) : SIP_PORT;
    }

    /** The message's Call-ID (null when it has none): responses to other messages are not counted. */
    static String callId(byte[] msg) {
        Matcher m = CALL_ID.matcher(new String(msg, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1).trim() : null;
    }

    private static boolean hasFinal(List<String[]> got) {
        return got.stream().anyMatch(r -> r[1].length() > 9 && r[1].charAt(8) >= '2');
    }

    /**
     * Sends {@code msg} over UDP (from the sent-by port) or TCP (a new connection) and collects, for
     * up to {@link #WINDOW_MS} and until a final response, what comes back: datagrams to the source address at
     * the sent-by port, messages on the request's own connection, and messages on connections the
     * port opens to the source address at the sent-by port.
     */
    private static List<String[]> shoot(byte[] msg, InetAddress source, InetAddress to, boolean overTcp) throws IOException {
        String callId = callId(msg);
        int sentBy = sentByPort(msg);
        List<String[]> got = new ArrayList<>();
        List<Socket> opened = new ArrayList<>();
        List<StreamReader> openedReaders = new ArrayList<>();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(source, sentBy));
             ServerSocket back = new ServerSocket(); Socket c = overTcp ? new Socket() : null) {
            back.setReuseAddress(true);
            back.bind(new InetSocketAddress(source, sentBy));
            back.setSoTimeout(1);
            udp.setSoTimeout(1);
            StreamReader same = null;
            if (overTcp) {
                c.bind(new InetSocketAddress(source, 0));
                c.connect(new InetSocketAddress(to, SIP_PORT), 2000);
                c.getOutputStream().write(msg);
                c.getOutputStream().flush();
                c.setSoTimeout(20);
                same = new StreamReader(c.getInputStream());
            } else {
                udp.send(new DatagramPacket(msg, msg.length, new InetSocketAddress(to, SIP_PORT)));
            }
            long until = System.currentTimeMillis() + WINDOW_MS;
            boolean closedReported = false;
            byte[] buf = new byte[65536];
            while (!hasFinal(got) && System.currentTimeMillis() < until) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(p);
                    add(got, callId, "udp-to-sent-by", new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
                } catch (SocketTimeoutException e) {
                    // none
                }
                if (same != null) {
                    for (String r : same.poll()) {
                        add(got, callId, "tcp-same-connection", r);
                    }
                    if (same.closed && !closedReported) {
                        closedReported = true;
                        got.add(new String[] {"tcp-closed", "SIP/2.0 000 connection closed\r\n\r\n"});
                    }
                }
                try {
                    Socket n = back.accept();
                    n.setSoTimeout(20);
                    opened.add(n);
                    openedReaders.add(new StreamReader(n.getInputStream()));
                } catch (SocketTimeoutException e) {
                    // none
                }
                for (StreamReader r : openedReaders) {
                    for (String m : r.poll()) {
                        add(got, callId, "tcp-new-connection", m);
                    }
                }
            }
        } finally {
            for (Socket n : opened) {
                n.close();
            }
        }
        return got;
    }

    private static void add(List<String[]> got, String callId, String channel, String response) {
        Matcher m = CALL_ID.matcher(response);
        if (callId == null || !m.find() || m.group(1).trim().equals(callId)) {
            got.add(new String[] {channel, response});
        }
    }

    /** SIP messages read off a stream by their Content-Length. */
    static final class StreamReader {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean closed;

        StreamReader(InputStream in) {
            this.in = in;
        }

        List<String> poll() throws IOException {
            byte[] b = new byte[8192];
            if (!closed) {
                try {
                    int n = in.read(b);
                    if (n < 0) {
                        closed = true;
                    } else {
                        buf.write(b, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    // nothing yet
                } catch (IOException e) {
                    closed = true;
                }
            }
            List<String> msgs = new ArrayList<>();
            while (true) {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                String trimmed = s.replaceFirst("^(\r\n)+", "");
                int end = trimmed.indexOf("\r\n\r\n");
                if (end < 0) {
                    return msgs;
                }
                Matcher cl = Pattern.compile("(?im)^(?:content-length|l)[ \\t]*:[ \\t]*(\\d+)").matcher(trimmed.substring(0, end));
                int len = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
                if (trimmed.length() < end + 4 + len) {
                    return msgs;
                }
                msgs.add(trimmed.substring(0, end + 4 + len));
                byte[] rest = trimmed.substring(end + 4 + len).getBytes(StandardCharsets.ISO_8859_1);
                buf.reset();
                buf.write(rest, 0, rest.length);
            }
        }
    }
}
