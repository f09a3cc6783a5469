package org.p2psip.interop.nat;

import org.p2psip.experiment.Answers;
import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.ClassRule;
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
    @ClassRule
    public static final NatAgents nat = new NatAgents(() -> NatNetwork.builder().symmetric(false).build());

    @Test
    public void plainMasqueradeKeepsOnePublicPortForAllDestinations() {
        assertEquals(NatMode.PORT_PRESERVING, nat.net.mode());
        String ruleset = nat.net.nftRuleset(nat.net.router(1));
        assertThat(ruleset, containsString("masquerade"));
        assertThat(ruleset, not(containsString("fully-random")));
        int[] socket = nat.h1.udpOpen();
        for (int i = 0; i < 3; i++) {
            String mapped = nat.h1.call("udp.mapped " + socket[0] + " " + nat.net.publicHost().ip() + " " + nat.reflector());
            assertEquals("ok " + nat.net.router(1).publicIp() + " " + socket[1], mapped);
        }
    }

    @Test
    public void udpHolePunchingBetweenThePrivateHostsWorks() throws Exception {
        int reflector = nat.reflector();
        NatAgents.UdpPunch u = nat.udpPunch(nat.h1.udpOpen(), nat.h2.udpOpen(), reflector, 3000);
        String m1 = u.mapped1();
        String m2 = u.mapped2();
        String[] punched = {u.received1(), u.received2()};
        assertTrue("h1 received nothing from h2: " + punched[0], Answers.intField(punched[0], 1) > 0);
        assertTrue("h2 received nothing from h1: " + punched[1], Answers.intField(punched[1], 1) > 0);
        // each saw the other at its router's public address
        assertEquals(Answers.field(m2, 1) + ":" + Answers.field(m2, 2), Answers.field(punched[0], 2));
        assertEquals(Answers.field(m1, 1) + ":" + Answers.field(m1, 2), Answers.field(punched[1], 2));
    }

    @Test
    public void tcpHolePunchingBetweenThePrivateHostsWorks() throws Exception {
        NatAgents.TcpPunch p = nat.tcpPunch(15000);
        assertEquals("ok hello-from-" + Answers.field(p.connected2(), 1), p.punched1());
        assertEquals("ok hello-from-" + Answers.field(p.connected1(), 1), p.punched2());
    }

    @Test
    public void unsolicitedInboundIsStillDropped() {
        int[] other = nat.pub.udpOpen();
        int[] socket = nat.h1.udpOpen();
        nat.h1.call("udp.mapped " + socket[0] + " " + nat.net.publicHost().ip() + " " + nat.reflector());
        nat.pub.call("udp.send " + other[0] + " " + nat.net.router(1).publicIp() + " " + socket[1] + " unsolicited");
        assertEquals("timeout", nat.h1.call("udp.expect " + socket[0] + " unsolicited 2000"));
        String[] listen = nat.h1.call("tcp.listen").split(" ");
        assertThat(nat.pub.call("tcp.connect " + nat.net.router(1).publicIp() + " " + listen[2] + " 2000"), startsWith("fail"));
    }
}
