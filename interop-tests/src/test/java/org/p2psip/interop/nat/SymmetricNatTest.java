package org.p2psip.interop.nat;

import org.p2psip.experiment.Answers;
import org.p2psip.experiment.NetAgentProcess;
import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.ClassRule;
import org.junit.Test;
import org.p2psip.experiment.NatMode;
import org.p2psip.experiment.NatNetwork;
import org.p2psip.experiment.Router;

/**
 * The network of the paper's NAT experiment, proven with real sockets in real namespaces: two
 * private hosts behind symmetric NATs ({@code masquerade fully-random}) and a public host. What
 * the experiment relies on: the private hosts reach the public host (from their routers' public
 * addresses), nothing unsolicited gets in, and the two private hosts cannot talk directly, not
 * even after hole punching, so their media must go through a relay on the public host.
 */
public class SymmetricNatTest {
    private static final int UDP_TIMEOUT = 4;
    private static final String UDP_TIMEOUT_KEY = "net.netfilter.nf_conntrack_udp_timeout";

    /** The host's own conntrack UDP timeout, read before the network sets its namespaces' own. */
    private static final String HOST_UDP_TIMEOUT_BEFORE = readHostSysctl();

    @ClassRule
    public static final NatAgents nat = new NatAgents(() -> NatNetwork.builder().symmetric(true).udpTimeoutSeconds(UDP_TIMEOUT).build());

    @Test
    public void addressesAndSysctlsAreAsDescribed() {
        assertEquals(NatMode.SYMMETRIC, nat.net.mode());
        assertEquals("203.0.113.10", nat.net.publicHost().ip());
        assertEquals("203.0.113.101", nat.net.router(1).publicIp());
        assertEquals("203.0.113.102", nat.net.router(2).publicIp());
        assertEquals("10.1.0.2", nat.net.privateHost(1).ip());
        assertEquals("10.2.0.2", nat.net.privateHost(2).ip());
        for (int site = 1; site <= 2; site++) {
            Router router = nat.net.router(site);
            assertEquals("1", nat.net.sysctl(router, "net.ipv4.ip_forward"));
            assertEquals(String.valueOf(UDP_TIMEOUT), nat.net.sysctl(router, UDP_TIMEOUT_KEY));
            assertEquals(String.valueOf(UDP_TIMEOUT), nat.net.sysctl(router, UDP_TIMEOUT_KEY + "_stream"));
            assertThat(nat.net.nftRuleset(router), containsString("masquerade fully-random"));
            assertEquals("0", nat.net.sysctl(nat.net.privateHost(site), "net.ipv4.ip_forward"));
        }
        // the conntrack timeouts are per namespace: the host's own stayed as it was
        assertEquals(HOST_UDP_TIMEOUT_BEFORE, readHostSysctl());
        String route = nat.net.run(nat.net.privateHost(1), Duration.ofSeconds(10), "ip", "route").requireOk().stdout();
        assertThat(route, containsString("default via 10.1.0.1"));
        String pubRoute = nat.net.run(nat.net.publicHost(), Duration.ofSeconds(10), "ip", "route").requireOk().stdout();
        assertTrue("the public segment has no way out: " + pubRoute, !pubRoute.contains("default"));
    }

    @Test
    public void privateHostsReachThePublicHostOverUdpAndTcpFromTheirRoutersPublicAddresses() {
        int reflector = nat.reflector();
        String[] tcp = nat.pub.call("tcp.listen").split(" ");
        int tcpPort = Integer.parseInt(tcp[2]);
        NetAgentProcess[] hosts = {nat.h1, nat.h2};
        for (int site = 1; site <= 2; site++) {
            NetAgentProcess h = hosts[site - 1];
            int[] socket = h.udpOpen();
            String mapped = h.call("udp.mapped " + socket[0] + " " + nat.net.publicHost().ip() + " " + reflector);
            assertThat("UDP from h" + site, mapped, startsWith("ok " + nat.net.router(site).publicIp() + " "));

            String answer = h.call("tcp.connect " + nat.net.publicHost().ip() + " " + tcpPort + " 10000");
            assertThat("TCP from h" + site, answer, containsString("seen " + nat.net.router(site).publicIp() + " "));
        }
        assertEquals("ok 2", nat.pub.call("tcp.accepted " + tcp[1]));
    }

    @Test
    public void oneInsideSocketGetsADifferentPublicPortPerDestination() {
        int[] socket = nat.h1.udpOpen();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String mapped = nat.h1.call("udp.mapped " + socket[0] + " " + nat.net.publicHost().ip() + " " + nat.reflector());
            assertThat(mapped, startsWith("ok " + nat.net.router(1).publicIp() + " "));
            ports.add(Answers.intField(mapped, 2));
        }
        System.out.println("symmetric NAT: inside port " + socket[1] + " mapped to " + ports + " for three destinations");
        // fully-random picks each port at random: three equal ports would mean a port-preserving NAT
        assertTrue("one inside port mapped to " + ports + " for three destinations", ports.size() >= 2);
    }

    @Test
    public void unsolicitedInboundDoesNotReachThePrivateHost() {
        String r1 = nat.net.router(1).publicIp();
        int reflector = nat.reflector();
        int[] other = nat.pub.udpOpen();
        int[] socket = nat.h1.udpOpen();
        String mapped = nat.h1.call("udp.mapped " + socket[0] + " " + nat.net.publicHost().ip() + " " + reflector);
        int mappedPort = Answers.intField(mapped, 2);

        // to the inside port number, where nothing is mapped
        nat.pub.call("udp.send " + other[0] + " " + r1 + " " + socket[1] + " unsolicited");
        // to the mapped port, but from another public port than the one the binding is for
        nat.pub.call("udp.send " + other[0] + " " + r1 + " " + mappedPort + " unsolicited");
        assertEquals("timeout", nat.h1.call("udp.expect " + socket[0] + " unsolicited 2000"));
        // whereas the destination the binding is for gets through (so the check above can fail)
        nat.pub.call("udp.send " + nat.reflectorSocketId(reflector) + " " + r1 + " " + mappedPort + " solicited");
        assertThat(nat.h1.call("udp.expect " + socket[0] + " solicited 5000"), startsWith("ok " + nat.net.publicHost().ip()));

        // TCP: nobody outside can connect to a server inside
        String[] listen = nat.h1.call("tcp.listen").split(" ");
        assertThat(nat.pub.call("tcp.connect " + r1 + " " + listen[2] + " 2000"), startsWith("fail"));
        assertEquals("ok 0", nat.h1.call("tcp.accepted " + listen[1]));
    }

    @Test
    public void directUdpBetweenThePrivateHostsFailsEvenAfterHolePunching() throws Exception {
        int reflector = nat.reflector();
        int[] s1 = nat.h1.udpOpen();
        int[] s2 = nat.h2.udpOpen();
        // rendezvous: each learns the other's mapped address from the public host
        NatAgents.UdpPunch u = nat.udpPunch(s1, s2, reflector, 3000);
        String m1 = u.mapped1();
        String m2 = u.mapped2();
        String[] punched = {u.received1(), u.received2()};
        System.out.println("symmetric NAT, UDP punching: mapped " + m1 + " / " + m2 + "; received h1 " + punched[0] + ", h2 " + punched[1]);
        assertEquals("h1 received from h2: " + punched[0], 0, Answers.intField(punched[0], 1));
        assertEquals("h2 received from h1: " + punched[1], 0, Answers.intField(punched[1], 1));
        // nor does the inside port number itself work
        nat.h1.call("udp.send " + s1[0] + " " + nat.net.router(2).publicIp() + " " + s2[1] + " direct");
        assertEquals("timeout", nat.h2.call("udp.expect " + s2[0] + " direct 1500"));
    }

    @Test
    public void directTcpBetweenThePrivateHostsFailsEvenAfterHolePunching() throws Exception {
        String[] listen = nat.h2.call("tcp.listen").split(" ");
        assertThat(nat.h1.call("tcp.connect " + nat.net.router(2).publicIp() + " " + listen[2] + " 2000"), startsWith("fail"));
        assertEquals("ok 0", nat.h2.call("tcp.accepted " + listen[1]));

        NatAgents.TcpPunch p = nat.tcpPunch(5000);
        System.out.println("symmetric NAT, TCP punching: h1 " + p.punched1() + "; h2 " + p.punched2());
        assertThat(p.punched1(), startsWith("fail"));
        assertThat(p.punched2(), startsWith("fail"));
    }

    @Test
    public void udpBindingExpiresAfterTheTimeoutWithoutKeepalivesAndSurvivesWithThem() throws Exception {
        int reflector = nat.reflector();
        int reflectorId = nat.reflectorSocketId(reflector);
        String pubIp = nat.net.publicHost().ip();
        int[] idle = nat.h1.udpOpen();
        int[] kept = nat.h2.udpOpen();
        int idlePort = Answers.intField(nat.h1.call("udp.mapped " + idle[0] + " " + pubIp + " " + reflector), 2);
        int keptPort = Answers.intField(nat.h2.call("udp.mapped " + kept[0] + " " + pubIp + " " + reflector), 2);

        // h2 sends a keepalive every second for the timeout plus 3 s; h1 stays silent as long
        int seconds = UDP_TIMEOUT + 3;
        nat.h2.call("udp.stream " + kept[0] + " " + pubIp + " " + reflector + " " + seconds + " 1000", Duration.ofSeconds(60));

        nat.pub.call("udp.send " + reflectorId + " " + nat.net.router(1).publicIp() + " " + idlePort + " late");
        nat.pub.call("udp.send " + reflectorId + " " + nat.net.router(2).publicIp() + " " + keptPort + " late");
        assertThat("kept alive", nat.h2.call("udp.expect " + kept[0] + " late 5000"), startsWith("ok " + pubIp));
        assertEquals("expired", "timeout", nat.h1.call("udp.expect " + idle[0] + " late 2000"));
    }

    @Test
    public void setLossDropsRoughlyThatShareOfPackets() {
        Router r1 = nat.net.router(1);
        String pubIp = nat.net.publicHost().ip();
        int[] sink = nat.pub.udpOpen();
        int[] source = nat.h1.udpOpen();
        int sent = 300;
        nat.net.setLoss(r1, 30);
        try {
            assertThat(nat.net.nftRuleset(r1), containsString("numgen random mod 100 < 30 drop"));
            nat.h1.call("udp.stream " + source[0] + " " + pubIp + " " + sink[1] + " " + sent + " 3", Duration.ofSeconds(60));
            int received = Answers.intField(nat.pub.call("udp.count " + sink[0] + " 2000 30000", Duration.ofSeconds(60)), 1);
            double loss = 100.0 * (sent - received) / sent;
            System.out.printf("setLoss(r1, 30): %d of %d arrived, %.1f%% lost%n", received, sent, loss);
            assertTrue("loss " + loss + "% with 30% set (" + received + " of " + sent + ")", loss >= 10 && loss <= 60);
        } finally {
            nat.net.setLoss(r1, 0);
        }
        assertThat(nat.net.nftRuleset(r1), org.hamcrest.CoreMatchers.not(containsString("numgen")));
        nat.h1.call("udp.stream " + source[0] + " " + pubIp + " " + sink[1] + " 100 3", Duration.ofSeconds(60));
        int received = Answers.intField(nat.pub.call("udp.count " + sink[0] + " 2000 30000", Duration.ofSeconds(60)), 1);
        assertTrue("without loss " + received + " of 100 arrived", received >= 95);
    }

    // ---------------------------------------------------------------- helpers

    private static String readHostSysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
