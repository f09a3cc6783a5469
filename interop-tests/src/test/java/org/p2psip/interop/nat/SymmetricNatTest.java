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

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.Host;
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
    private static final java.nio.file.Path AGENT_LOGS = java.nio.file.Path.of("target", "nat-agents");

    private static final int UDP_TIMEOUT = 4;
    private static final String UDP_TIMEOUT_KEY = "net.netfilter.nf_conntrack_udp_timeout";

    private static String hostUdpTimeoutBefore;
    private static NatNetwork net;
    private static NetAgentProcess pub;
    private static NetAgentProcess h1;
    private static NetAgentProcess h2;

    @BeforeClass
    public static void buildNetwork() throws Exception {
        hostUdpTimeoutBefore = Files.readString(Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout")).strip();
        net = NatNetwork.builder().symmetric(true).udpTimeoutSeconds(UDP_TIMEOUT).build();
        try {
            pub = NetAgentProcess.start(net, net.publicHost(), AGENT_LOGS);
            h1 = NetAgentProcess.start(net, net.privateHost(1), AGENT_LOGS);
            h2 = NetAgentProcess.start(net, net.privateHost(2), AGENT_LOGS);
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        for (NetAgentProcess agent : new NetAgentProcess[] {pub, h1, h2}) {
            if (agent != null) {
                agent.close();
            }
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void addressesAndSysctlsAreAsDescribed() {
        assertEquals(NatMode.SYMMETRIC, net.mode());
        assertEquals("203.0.113.10", net.publicHost().ip());
        assertEquals("203.0.113.101", net.router(1).publicIp());
        assertEquals("203.0.113.102", net.router(2).publicIp());
        assertEquals("10.1.0.2", net.privateHost(1).ip());
        assertEquals("10.2.0.2", net.privateHost(2).ip());
        for (int site = 1; site <= 2; site++) {
            Router router = net.router(site);
            assertEquals("1", net.sysctl(router, "net.ipv4.ip_forward"));
            assertEquals(String.valueOf(UDP_TIMEOUT), net.sysctl(router, UDP_TIMEOUT_KEY));
            assertEquals(String.valueOf(UDP_TIMEOUT), net.sysctl(router, UDP_TIMEOUT_KEY + "_stream"));
            assertThat(net.nftRuleset(router), containsString("masquerade fully-random"));
            assertEquals("0", net.sysctl(net.privateHost(site), "net.ipv4.ip_forward"));
        }
        // the conntrack timeouts are per namespace: the host's own stayed as it was
        assertEquals(hostUdpTimeoutBefore, readHostSysctl());
        String route = net.run(net.privateHost(1), Duration.ofSeconds(10), "ip", "route").requireOk().stdout();
        assertThat(route, containsString("default via 10.1.0.1"));
        String pubRoute = net.run(net.publicHost(), Duration.ofSeconds(10), "ip", "route").requireOk().stdout();
        assertTrue("the public segment has no way out: " + pubRoute, !pubRoute.contains("default"));
    }

    @Test
    public void privateHostsReachThePublicHostOverUdpAndTcpFromTheirRoutersPublicAddresses() {
        int reflector = reflector();
        String[] tcp = pub.call("tcp.listen").split(" ");
        int tcpPort = Integer.parseInt(tcp[2]);
        NetAgentProcess[] hosts = {h1, h2};
        for (int site = 1; site <= 2; site++) {
            NetAgentProcess h = hosts[site - 1];
            int[] socket = h.udpOpen();
            String mapped = h.call("udp.mapped " + socket[0] + " " + net.publicHost().ip() + " " + reflector);
            assertThat("UDP from h" + site, mapped, startsWith("ok " + net.router(site).publicIp() + " "));

            String answer = h.call("tcp.connect " + net.publicHost().ip() + " " + tcpPort + " 10000");
            assertThat("TCP from h" + site, answer, containsString("seen " + net.router(site).publicIp() + " "));
        }
        assertEquals("ok 2", pub.call("tcp.accepted " + tcp[1]));
    }

    @Test
    public void oneInsideSocketGetsADifferentPublicPortPerDestination() {
        int[] socket = h1.udpOpen();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String mapped = h1.call("udp.mapped " + socket[0] + " " + net.publicHost().ip() + " " + reflector());
            assertThat(mapped, startsWith("ok " + net.router(1).publicIp() + " "));
            ports.add(Answers.intField(mapped, 2));
        }
        System.out.println("symmetric NAT: inside port " + socket[1] + " mapped to " + ports + " for three destinations");
        // fully-random picks each port at random: three equal ports would mean a port-preserving NAT
        assertTrue("one inside port mapped to " + ports + " for three destinations", ports.size() >= 2);
    }

    @Test
    public void unsolicitedInboundDoesNotReachThePrivateHost() {
        String r1 = net.router(1).publicIp();
        int reflector = reflector();
        int[] other = pub.udpOpen();
        int[] socket = h1.udpOpen();
        String mapped = h1.call("udp.mapped " + socket[0] + " " + net.publicHost().ip() + " " + reflector);
        int mappedPort = Answers.intField(mapped, 2);

        // to the inside port number, where nothing is mapped
        pub.call("udp.send " + other[0] + " " + r1 + " " + socket[1] + " unsolicited");
        // to the mapped port, but from another public port than the one the binding is for
        pub.call("udp.send " + other[0] + " " + r1 + " " + mappedPort + " unsolicited");
        assertEquals("timeout", h1.call("udp.expect " + socket[0] + " unsolicited 2000"));
        // whereas the destination the binding is for gets through (so the check above can fail)
        pub.call("udp.send " + reflectorSocketIds.get(reflector) + " " + r1 + " " + mappedPort + " solicited");
        assertThat(h1.call("udp.expect " + socket[0] + " solicited 5000"), startsWith("ok " + net.publicHost().ip()));

        // TCP: nobody outside can connect to a server inside
        String[] listen = h1.call("tcp.listen").split(" ");
        assertThat(pub.call("tcp.connect " + r1 + " " + listen[2] + " 2000"), startsWith("fail"));
        assertEquals("ok 0", h1.call("tcp.accepted " + listen[1]));
    }

    @Test
    public void directUdpBetweenThePrivateHostsFailsEvenAfterHolePunching() throws Exception {
        Host pubHost = net.publicHost();
        int reflector = reflector();
        int[] s1 = h1.udpOpen();
        int[] s2 = h2.udpOpen();
        // rendezvous: each learns the other's mapped address from the public host
        String m1 = h1.call("udp.mapped " + s1[0] + " " + pubHost.ip() + " " + reflector);
        String m2 = h2.call("udp.mapped " + s2[0] + " " + pubHost.ip() + " " + reflector);
        String[] punched = Answers.both(
                () -> h1.call("udp.punch " + s1[0] + " " + Answers.field(m2, 1) + " " + Answers.field(m2, 2) + " 3000"),
                () -> h2.call("udp.punch " + s2[0] + " " + Answers.field(m1, 1) + " " + Answers.field(m1, 2) + " 3000"));
        System.out.println("symmetric NAT, UDP punching: mapped " + m1 + " / " + m2 + "; received h1 " + punched[0] + ", h2 " + punched[1]);
        assertEquals("h1 received from h2: " + punched[0], 0, Answers.intField(punched[0], 1));
        assertEquals("h2 received from h1: " + punched[1], 0, Answers.intField(punched[1], 1));
        // nor does the inside port number itself work
        h1.call("udp.send " + s1[0] + " " + net.router(2).publicIp() + " " + s2[1] + " direct");
        assertEquals("timeout", h2.call("udp.expect " + s2[0] + " direct 1500"));
    }

    @Test
    public void directTcpBetweenThePrivateHostsFailsEvenAfterHolePunching() throws Exception {
        String[] listen = h2.call("tcp.listen").split(" ");
        assertThat(h1.call("tcp.connect " + net.router(2).publicIp() + " " + listen[2] + " 2000"), startsWith("fail"));
        assertEquals("ok 0", h2.call("tcp.accepted " + listen[1]));

        String[] rendezvous = pub.call("tcp.listen").split(" ");
        String pubIp = net.publicHost().ip();
        String c1 = h1.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        String c2 = h2.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        // "ok LOCALPORT seen MAPPEDIP MAPPEDPORT"
        String[] punched = Answers.both(
                () -> h1.call("tcp.punch " + Answers.field(c1, 1) + " " + Answers.field(c2, 3) + " " + Answers.field(c2, 4) + " 5000"),
                () -> h2.call("tcp.punch " + Answers.field(c2, 1) + " " + Answers.field(c1, 3) + " " + Answers.field(c1, 4) + " 5000"));
        System.out.println("symmetric NAT, TCP punching: h1 " + punched[0] + "; h2 " + punched[1]);
        assertThat(punched[0], startsWith("fail"));
        assertThat(punched[1], startsWith("fail"));
    }

    @Test
    public void udpBindingExpiresAfterTheTimeoutWithoutKeepalivesAndSurvivesWithThem() throws Exception {
        int reflector = reflector();
        int reflectorId = reflectorSocketIds.get(reflector);
        String pubIp = net.publicHost().ip();
        int[] idle = h1.udpOpen();
        int[] kept = h2.udpOpen();
        int idlePort = Answers.intField(h1.call("udp.mapped " + idle[0] + " " + pubIp + " " + reflector), 2);
        int keptPort = Answers.intField(h2.call("udp.mapped " + kept[0] + " " + pubIp + " " + reflector), 2);

        // h2 sends a keepalive every second for the timeout plus 3 s; h1 stays silent as long
        int seconds = UDP_TIMEOUT + 3;
        h2.call("udp.stream " + kept[0] + " " + pubIp + " " + reflector + " " + seconds + " 1000", Duration.ofSeconds(60));

        pub.call("udp.send " + reflectorId + " " + net.router(1).publicIp() + " " + idlePort + " late");
        pub.call("udp.send " + reflectorId + " " + net.router(2).publicIp() + " " + keptPort + " late");
        assertThat("kept alive", h2.call("udp.expect " + kept[0] + " late 5000"), startsWith("ok " + pubIp));
        assertEquals("expired", "timeout", h1.call("udp.expect " + idle[0] + " late 2000"));
    }

    @Test
    public void setLossDropsRoughlyThatShareOfPackets() {
        Router r1 = net.router(1);
        String pubIp = net.publicHost().ip();
        int[] sink = pub.udpOpen();
        int[] source = h1.udpOpen();
        int sent = 300;
        net.setLoss(r1, 30);
        try {
            assertThat(net.nftRuleset(r1), containsString("numgen random mod 100 < 30 drop"));
            h1.call("udp.stream " + source[0] + " " + pubIp + " " + sink[1] + " " + sent + " 3", Duration.ofSeconds(60));
            int received = Answers.intField(pub.call("udp.count " + sink[0] + " 2000 30000", Duration.ofSeconds(60)), 1);
            double loss = 100.0 * (sent - received) / sent;
            System.out.printf("setLoss(r1, 30): %d of %d arrived, %.1f%% lost%n", received, sent, loss);
            assertTrue("loss " + loss + "% with 30% set (" + received + " of " + sent + ")", loss >= 10 && loss <= 60);
        } finally {
            net.setLoss(r1, 0);
        }
        assertThat(net.nftRuleset(r1), org.hamcrest.CoreMatchers.not(containsString("numgen")));
        h1.call("udp.stream " + source[0] + " " + pubIp + " " + sink[1] + " 100 3", Duration.ofSeconds(60));
        int received = Answers.intField(pub.call("udp.count " + sink[0] + " 2000 30000", Duration.ofSeconds(60)), 1);
        assertTrue("without loss " + received + " of 100 arrived", received >= 95);
    }

    // ---------------------------------------------------------------- helpers

    private static final java.util.Map<Integer, Integer> reflectorSocketIds = new java.util.concurrent.ConcurrentHashMap<>();

    /** A new reflector socket on the public host (answers "seen IP PORT"); returns its port. */
    private static int reflector() {
        int[] socket = pub.udpOpen();
        pub.call("udp.reflect " + socket[0]);
        reflectorSocketIds.put(socket[1], socket[0]);
        return socket[1];
    }

    private static String readHostSysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
