package org.p2psip.experiment;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

/** Describing a lab (sites, addresses, links) and the tc/nft/load-agent input made from it; nothing is built here. */
public class TopologyTest {

    private final Topology topology = Topology.builder()
            .site("A").site("B")
            .natSite("N", NatMode.SYMMETRIC)
            .site("C")
            .link("A", "B", Link.rateKbit(2000).queueMillis(300))
            .link("C", "A", Link.unlimited().loss(30, 5))
            .build();

    @Test
    public void addressesFollowTheDocumentedScheme() {
        assertEquals("203.0.113.10", topology.site("A").hostIp());
        assertEquals("203.0.113.11", topology.site("B").publicIp());
        assertEquals("203.0.113.12", topology.site("C").hostIp());
        Topology.SiteSpec n = topology.site("N");
        assertTrue(n.behindNat());
        assertEquals("10.1.0.2", n.hostIp());
        assertEquals("10.1.0.1", n.routerInsideIp());
        assertEquals("10.1.0.0/24", n.lanCidr());
        assertEquals("203.0.113.101", n.publicIp());
        assertEquals("N-nat", n.routerName());
    }

    @Test
    public void linksAreSeenFromEitherEnd() {
        assertEquals(Link.rateKbit(2000).queueMillis(300), topology.link("B", "A"));
        assertEquals(75_000, topology.link("A", "B").queueLimitBytes());
        assertEquals(30, topology.link("C", "A").lossPercent());
        assertEquals(5, topology.link("A", "C").lossPercent());
        assertEquals(Link.UNLIMITED, topology.link("B", "C"));
        Topology slow = Topology.builder().site("X").site("Y").defaultLink(Link.rateKbit(500)).build();
        assertEquals(500, slow.link("Y", "X").rateKbit());
    }

    @Test
    public void badDescriptionsAreRejectedWithTheReason() {
        expect(() -> Topology.builder().site("A").site("A"), "used twice");
        expect(() -> Topology.builder().site("wan"), "backbone");
        expect(() -> Topology.builder().site("much-too-long-name"), "1..9");
        expect(() -> Topology.builder().site("A").link("A", "Z", Link.UNLIMITED), "no site 'Z'");
        expect(() -> Topology.builder().site("A").link("A", "A", Link.UNLIMITED), "two different sites");
        expect(() -> Topology.builder().build(), "at least one site");
        expect(() -> Link.rateKbit(2), "at least 8 kbit/s");
        expect(() -> Link.unlimited().loss(101), "0..100");
        expect(() -> Link.rateKbit(100).queueBytes(10), "at least 3028 bytes");
        expect(() -> topology.site("Q"), "sites: A, B, N, C");
    }

    @Test
    public void shapingIsAnHtbClassPerFarSiteChosenByItsAddress() {
        Site b = site("B", null);
        List<List<String>> add = LinkShaping.classCommands("eth0", b, Link.rateKbit(2000).queueMillis(300), true);
        assertEquals(List.of("class", "add", "dev", "eth0", "parent", "1:", "classid", "1:11", "htb", "rate", "2000kbit",
                "ceil", "2000kbit", "quantum", "1514"), add.get(0));
        assertEquals(List.of("qdisc", "add", "dev", "eth0", "parent", "1:11", "handle", "11:", "bfifo", "limit", "75000"),
                add.get(1));
        assertEquals(List.of("filter", "add", "dev", "eth0", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "dst", "203.0.113.11/32", "flowid", "1:11"), add.get(2));
        List<List<String>> clear = LinkShaping.classCommands("eth0", b, Link.UNLIMITED, false);
        assertEquals(2, clear.size());
        assertTrue(clear.get(0).containsAll(List.of("change", "10gbit")));
        // a NAT'ed far site is matched by its router's public address
        Site n = site("N", NatMode.SYMMETRIC);
        assertTrue(LinkShaping.classCommands("wan0", n, Link.rateKbit(100), true).get(2).contains("203.0.113.101/32"));
    }

    @Test
    public void lossIsDroppedWhereItArrivesPerSourceAddress() {
        Map<String, Integer> loss = new LinkedHashMap<>();
        loss.put("203.0.113.10", 30);
        loss.put("203.0.113.11", 0);
        String rules = LinkLoss.ruleset("eth0", loss);
        assertThat(rules, containsString("hook prerouting priority raw"));
        assertThat(rules, containsString("iifname \"eth0\" ip saddr 203.0.113.10 numgen random mod 100 < 30 drop"));
        assertFalse(rules.contains("203.0.113.11"));
        loss.put("203.0.113.10", 0);
        assertEquals("table inet p2psip_links\ndelete table inet p2psip_links\n", LinkLoss.ruleset("eth0", loss));
    }

    @Test
    public void theLoadAgentSendsOnlyToTheLabsSites() throws Exception {
        LoadAgent agent = new LoadAgent(LoadAgent.parseAllowed(new String[] {"--allow", "203.0.113.10,203.0.113.11"}));
        assertEquals(InetAddress.getByName("203.0.113.11"), agent.destination("203.0.113.11"));
        for (String[] command : List.of(new String[] {"udp.flood", "192.0.2.1", "9", "100", "1200"},
                new String[] {"tcp.bulk", "127.0.0.1", "22"},
                new String[] {"probe", "8.8.8.8", "53", "1", "10", "10"})) {
            try {
                agent.handle(command);
                fail("sent to " + command[1]);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage(), containsString("refused: " + command[1] + " is not a site of this lab"));
            }
        }
        try {
            agent.handle(new String[] {"udp.flood", "example.org", "9", "100", "1200"});
            fail("a host name");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("IPv4 address"));
        }
        try {
            LoadAgent.parseAllowed(new String[0]);
            fail("no --allow");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("--allow"));
        }
        assertEquals(Set.of(InetAddress.getByName("203.0.113.12")), LoadAgent.parseAllowed(new String[] {"--allow", "203.0.113.12"}));
    }

    private Site site(String name, NatMode nat) {
        Topology.SiteSpec spec = topology.site(name);
        try {
            if (nat == null) {
                return new Site(spec, new Host(name, "ns" + name, (java.net.Inet4Address) InetAddress.getByName(spec.hostIp()), null), null);
            }
            Router router = new Router(spec.routerName(), "nsr", (java.net.Inet4Address) InetAddress.getByName(spec.publicIp()),
                    (java.net.Inet4Address) InetAddress.getByName(spec.routerInsideIp()), spec.lanCidr(), nat);
            return new Site(spec, new Host(name, "ns" + name, (java.net.Inet4Address) InetAddress.getByName(spec.hostIp()),
                    router.insideAddress()), router);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void expect(Runnable action, String message) {
        try {
            action.run();
            fail("accepted; expected: " + message);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString(message));
        }
    }
}
