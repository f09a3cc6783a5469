package org.p2psip.interop.gsoap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.ports.ControlSatoPorts;
import org.p2psip.om.types.OmException;
import org.p2psip.rtp.RtpPort;
import org.p2psip.rtp.config.RtpPortConfig;

/**
 * A Java overlay node for the gSOAP interop tests: a real RTP-Port (rtp-proxy, in this JVM, on
 * its Unix control socket, media on loopback in a random port range) and an Overlay Manager that
 * drives it over that socket and serves the OM IF on 127.0.0.1 and an ephemeral port.
 */
public final class JavaNode implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    public final Path dir;
    public final RtpPort rtp;
    public final OverlayManager om;

    private JavaNode(Path dir, RtpPort rtp, OverlayManager om) {
        this.dir = dir;
        this.rtp = rtp;
        this.om = om;
    }

    public static String randomNodeId() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    public static JavaNode start(int maxSessions, ConduitChoice conduit) throws IOException, OmException {
        return start(maxSessions, conduit, null);
    }

    /**
     * With {@code securityDir} a node of a secured overlay: the Node-ID of the peer enrolled there,
     * its OM IF HTTPS with client certificates (served and used); null: plain HTTP, a random id.
     */
    public static JavaNode start(int maxSessions, ConduitChoice conduit, Path securityDir) throws IOException, OmException {
        org.p2psip.om.omif.OmIfTls tls = securityDir == null ? null : org.p2psip.peer.LocalOms.tls(securityDir);
        Path dir = Files.createTempDirectory("gsoap-node");
        int low = 20000 + 2 * ThreadLocalRandom.current().nextInt((10000 - 200) / 2);
        RtpPort rtp = new RtpPort(RtpPortConfig.defaults(dir.resolve("rtp-port.sock")).withName("rtp-" + dir.getFileName())
                .withBindAddress(InetAddress.getLoopbackAddress()).withPorts(low, low + 199).withWorkers(1)).start();
        OverlayManager om = null;
        try {
            String id = securityDir == null ? randomNodeId() : org.p2psip.enrollment.NodeIdentity.load(securityDir).nodeId();
            ControlSatoPorts ports = ControlSatoPorts.builder().rtpPort(rtp.config().controlSocket())
                    .nodeName(id.substring(0, 8)).connect();
            om = OverlayManager.builder().nodeId(id).ports(ports).maxSessions(maxSessions).tls(tls)
                    .client(new SoapOmIfClient(null, conduit, java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(10), tls))
                    .build().start();
            return new JavaNode(dir, rtp, om);
        } catch (OmException | RuntimeException e) {
            if (om != null) {
                om.close();
            }
            rtp.close();
            throw e;
        }
    }

    public String url() {
        return om.url();
    }

    @Override
    public void close() {
        om.close();
        rtp.close();
        try {
            Files.deleteIfExists(dir.resolve("rtp-port.sock"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left for the OS
        }
    }
}
