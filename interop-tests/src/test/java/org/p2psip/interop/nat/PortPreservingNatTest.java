package org.p2psip.interop.nat;

import org.p2psip.experiment.Answers;
import org.p2psip.experiment.NetAgentProcess;
import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.NatMode;
import org.p2psip.experiment.NatNetwork;

/**
 * The control case: the same network with plain {@code masquerade}. The mapping keeps the inside
 * port whatever the destination, so the address a rendezvous server sees is the one the other
 * private host can punch through to: UDP and TCP hole punching between the private hosts work.
 * This is what makes the symmetric case's failures mean something.
 */
public class PortPreservingNatTest {
    private static final java.nio.file.Path AGENT_LOGS = java.nio.file.Path.of("target", "nat-agents");

    private static NatNetwork net;
    private static NetAgentProcess pub;
    private static NetAgentProcess h1;
    private static NetAgentProcess h2;

    @BeforeClass
    public static void buildNetwork() throws Exception {
        net = NatNetwork.builder().symmetric(false).build();
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
    public void plainMasqueradeKeepsOnePublicPortForAllDestinations() {
        assertEquals(NatMode.PORT_PRESERVING, net.mode());
        String ruleset = net.nftRuleset(net.router(1));
        assertThat(ruleset, containsString("masquerade"));
        assertThat(ruleset, not(containsString("fully-random")));
        int[] socket = h1.udpOpen();
        for (int i = 0; i < 3; i++) {
            String mapped = h1.call("udp.mapped " + socket[0] + " " + net.publicHost().ip() + " " + reflector());
            assertEquals("ok " + net.router(1).publicIp() + " " + socket[1], mapped);
        }
    }

    @Test
    public void udpHolePunchingBetweenThePrivateHostsWorks() throws Exception {
        String pubIp = net.publicHost().ip();
        int reflector = reflector();
        int[] s1 = h1.udpOpen();
        int[] s2 = h2.udpOpen();
        String m1 = h1.call("udp.mapped " + s1[0] + " " + pubIp + " " + reflector);
        String m2 = h2.call("udp.mapped " + s2[0] + " " + pubIp + " " + reflector);
        String[] punched = Answers.both(
                () -> h1.call("udp.punch " + s1[0] + " " + Answers.field(m2, 1) + " " + Answers.field(m2, 2) + " 3000"),
                () -> h2.call("udp.punch " + s2[0] + " " + Answers.field(m1, 1) + " " + Answers.field(m1, 2) + " 3000"));
        assertTrue("h1 received nothing from h2: " + punched[0], Answers.intField(punched[0], 1) > 0);
        assertTrue("h2 received nothing from h1: " + punched[1], Answers.intField(punched[1], 1) > 0);
        // each saw the other at its router's public address
        assertEquals(Answers.field(m2, 1) + ":" + Answers.field(m2, 2), Answers.field(punched[0], 2));
        assertEquals(Answers.field(m1, 1) + ":" + Answers.field(m1, 2), Answers.field(punched[1], 2));
    }

    @Test
    public void tcpHolePunchingBetweenThePrivateHostsWorks() throws Exception {
        String[] rendezvous = pub.call("tcp.listen").split(" ");
        String pubIp = net.publicHost().ip();
        String c1 = h1.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        String c2 = h2.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        String[] punched = Answers.both(
                () -> h1.call("tcp.punch " + Answers.field(c1, 1) + " " + Answers.field(c2, 3) + " " + Answers.field(c2, 4) + " 15000"),
                () -> h2.call("tcp.punch " + Answers.field(c2, 1) + " " + Answers.field(c1, 3) + " " + Answers.field(c1, 4) + " 15000"));
        assertEquals("ok hello-from-" + Answers.field(c2, 1), punched[0]);
        assertEquals("ok hello-from-" + Answers.field(c1, 1), punched[1]);
    }

    @Test
    public void unsolicitedInboundIsStillDropped() {
        int[] other = pub.udpOpen();
        int[] socket = h1.udpOpen();
        h1.call("udp.mapped " + socket[0] + " " + net.publicHost().ip() + " " + reflector());
        pub.call("udp.send " + other[0] + " " + net.router(1).publicIp() + " " + socket[1] + " unsolicited");
        assertEquals("timeout", h1.call("udp.expect " + socket[0] + " unsolicited 2000"));
        String[] listen = h1.call("tcp.listen").split(" ");
        assertThat(pub.call("tcp.connect " + net.router(1).publicIp() + " " + listen[2] + " 2000"), startsWith("fail"));
    }

    private static int reflector() {
        int[] socket = pub.udpOpen();
        pub.call("udp.reflect " + socket[0]);
        return socket[1];
    }
}
