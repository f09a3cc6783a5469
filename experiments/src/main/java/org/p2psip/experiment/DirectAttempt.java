package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the two private hosts can do without the overlay: UDP hole punching with addresses learned
 * from a reflector on the public host (as STUN would give them), and a direct TCP connection. With
 * symmetric NATs both fail; with port-preserving NATs the UDP punch gets through.
 *
 * @param mapped1 host 1's public address as the reflector saw it
 * @param mapped2 host 2's
 * @param udpReceived1 punch datagrams host 1 received from host 2
 * @param udpReceived2 punch datagrams host 2 received from host 1
 * @param tcp the direct TCP connection attempt from host 1 to host 2's NAT: {@code ok ...} or {@code fail REASON}
 */
public record DirectAttempt(String mapped1, String mapped2, int udpReceived1, int udpReceived2, String tcp) {

    /** Whether any direct packet or connection got through. */
    public boolean anyGotThrough() {
        return udpReceived1 > 0 || udpReceived2 > 0 || tcp.startsWith("ok");
    }

    static DirectAttempt run(NatNetwork net, Path logDir) throws IOException {
        try (NetAgentProcess pub = NetAgentProcess.start(net, net.publicHost(), logDir);
             NetAgentProcess h1 = NetAgentProcess.start(net, net.privateHost(1), logDir);
             NetAgentProcess h2 = NetAgentProcess.start(net, net.privateHost(2), logDir)) {
            int[] reflector = pub.udpOpen();
            pub.call("udp.reflect " + reflector[0]);
            int[] s1 = h1.udpOpen();
            int[] s2 = h2.udpOpen();
            String pubIp = net.publicHost().ip();
            String m1 = h1.call("udp.mapped " + s1[0] + " " + pubIp + " " + reflector[1]);
            String m2 = h2.call("udp.mapped " + s2[0] + " " + pubIp + " " + reflector[1]);
            if (!m1.startsWith("ok") || !m2.startsWith("ok")) {
                throw new IOException("the reflector on the public host did not answer: " + m1 + " / " + m2);
            }
            String[] punched = Answers.both(
                    () -> h1.call("udp.punch " + s1[0] + " " + Answers.field(m2, 1) + " " + Answers.field(m2, 2) + " 3000"),
                    () -> h2.call("udp.punch " + s2[0] + " " + Answers.field(m1, 1) + " " + Answers.field(m1, 2) + " 3000"));
            String[] listen = h2.call("tcp.listen").split(" ");
            String tcp = h1.call("tcp.connect " + net.router(2).publicIp() + " " + listen[2] + " 2000");
            return new DirectAttempt(Answers.field(m1, 1) + ":" + Answers.field(m1, 2), Answers.field(m2, 1) + ":"
                    + Answers.field(m2, 2), Answers.intField(punched[0], 1), Answers.intField(punched[1], 1), tcp);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("direct attempt failed to run: " + e.getMessage(), e);
        }
    }
}
