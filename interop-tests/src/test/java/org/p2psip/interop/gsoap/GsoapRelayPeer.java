package org.p2psip.interop.gsoap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.Address;

/**
 * A running {@code relay_peer} process: a legacy gSOAP overlay peer offering its RTP-Port as a
 * relay (OM IF on {@code host} and an ephemeral port, UDP relay sockets on {@code host}). Its
 * output lines (one per OM IF request, {@code RELAY <session> stopped ...} with the packet
 * counters) are collected; {@link #close()} ends it (stdin closed, then killed).
 */
public final class GsoapRelayPeer implements AutoCloseable {
    public final String nodeId;
    public final Address address;
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Process process;

    private GsoapRelayPeer(String nodeId, Process process, Address address) {
        this.nodeId = nodeId;
        this.process = process;
        this.address = address;
    }

    /** Starts a relay peer with a random node id, at most {@code maxSessions} relay sessions. */
    public static GsoapRelayPeer start(String host, int maxSessions) throws IOException, InterruptedException {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        return start(host, maxSessions, HexFormat.of().formatHex(id));
    }

    /** Starts a relay peer with {@code nodeId} (in a secured overlay: the one its certificate carries). */
    public static GsoapRelayPeer start(String host, int maxSessions, String nodeId) throws IOException, InterruptedException {
        return start(host, maxSessions, nodeId, null);
    }

    /**
     * Starts the relay peer of a secured overlay: {@code relay_peer_tls}, its OM IF HTTPS with client
     * certificates, presenting the peer certificate enrolled in {@code securityDir} (whose Node-ID
     * is {@code nodeId}); {@code securityDir} null: the plain-HTTP legacy peer.
     */
    public static GsoapRelayPeer start(String host, int maxSessions, String nodeId, java.nio.file.Path securityDir)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder((securityDir == null ? GsoapBuild.relayPeer() : GsoapBuild.tls("relay_peer")).toString(),
                nodeId, host, Integer.toString(maxSessions)).redirectErrorStream(true);
        if (securityDir != null) {
            pb.environment().putAll(GsoapBuild.tlsEnv(securityDir));
        }
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (first == null || !first.startsWith("LISTENING ")) {
            p.destroyForcibly();
            throw new AssertionError("relay_peer did not start: " + first);
        }
        GsoapRelayPeer s = new GsoapRelayPeer(nodeId, p, new Address(host, Integer.parseInt(first.substring(10).trim().split(" ")[0])));
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    s.lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "relay_peer-output");
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** Its relay record, as a Java peer with {@code --offer-relay on} writes its own under {@link PeerRecord#RELAY_KEY}. */
    public String relayRecord(int free) {
        return new PeerRecord(nodeId, address, free, false, null).relayValue();
    }

    /** The first output line starting with {@code prefix}, waiting up to 10 s for it. */
    public Optional<String> line(String prefix) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Optional<String> l = lines.stream().filter(x -> x.startsWith(prefix)).findFirst();
            if (l.isPresent() || System.nanoTime() > end) {
                return l;
            }
            Thread.sleep(10);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
