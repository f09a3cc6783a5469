package org.p2psip.interop.nat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.experiment.Answers;
import org.p2psip.experiment.NatNetwork;
import org.p2psip.experiment.NetAgentProcess;
import org.junit.rules.ExternalResource;

/**
 * A NAT network with a net agent on its public host and on each private host, for a whole test
 * class ({@code @ClassRule public static final NatAgents nat = new NatAgents(() -> NatNetwork.builder()...build());}):
 * what the NAT tests drive ({@link SymmetricNatTest}, {@link PortPreservingNatTest}), and the
 * rendezvous steps both take before they judge what got through.
 */
final class NatAgents extends ExternalResource {
    private static final Path AGENT_LOGS = Path.of("target", "nat-agents");

    private final Callable<NatNetwork> network;
    private final Map<Integer, Integer> reflectorSocketIds = new ConcurrentHashMap<>();
    NatNetwork net;
    NetAgentProcess pub;
    NetAgentProcess h1;
    NetAgentProcess h2;

    /** @param network builds the network (namespaces, routers, NAT rules) before the class's tests */
    NatAgents(Callable<NatNetwork> network) {
        this.network = network;
    }

    /** Builds the network and starts the three agents; if one cannot start, closes what started and the network. */
    @Override
    protected void before() throws Exception {
        net = network.call();
        try {
            pub = NetAgentProcess.start(net, net.publicHost(), AGENT_LOGS);
            h1 = NetAgentProcess.start(net, net.privateHost(1), AGENT_LOGS);
            h2 = NetAgentProcess.start(net, net.privateHost(2), AGENT_LOGS);
        } catch (Exception | Error e) {
            after();
            throw e;
        }
    }

    /** Closes the agents, then the network. */
    @Override
    protected void after() {
        for (NetAgentProcess agent : new NetAgentProcess[] {pub, h1, h2}) {
            if (agent != null) {
                agent.close();
            }
        }
        if (net != null) {
            net.close();
        }
    }

    /** A new reflector socket on the public host (answers "seen IP PORT"); returns its port. */
    int reflector() {
        int[] socket = pub.udpOpen();
        pub.call("udp.reflect " + socket[0]);
        reflectorSocketIds.put(socket[1], socket[0]);
        return socket[1];
    }

    /** The public host's socket id of the reflector on {@code port} (to send from it). */
    int reflectorSocketId(int port) {
        return reflectorSocketIds.get(port);
    }

    /** What each private host saw of UDP hole punching: its mapped address, and what it received. */
    record UdpPunch(String mapped1, String mapped2, String received1, String received2) {
    }

    /**
     * UDP hole punching between the private hosts' sockets {@code s1} and {@code s2}: each learns its
     * mapped address from {@code reflector}, then both punch towards the other's at once for
     * {@code millis}.
     */
    UdpPunch udpPunch(int[] s1, int[] s2, int reflector, int millis) throws Exception {
        String pubIp = net.publicHost().ip();
        String m1 = h1.call("udp.mapped " + s1[0] + " " + pubIp + " " + reflector);
        String m2 = h2.call("udp.mapped " + s2[0] + " " + pubIp + " " + reflector);
        String[] punched = Answers.both(
                () -> h1.call("udp.punch " + s1[0] + " " + Answers.field(m2, 1) + " " + Answers.field(m2, 2) + " " + millis),
                () -> h2.call("udp.punch " + s2[0] + " " + Answers.field(m1, 1) + " " + Answers.field(m1, 2) + " " + millis));
        return new UdpPunch(m1, m2, punched[0], punched[1]);
    }

    /** What each private host saw of TCP hole punching: its rendezvous connection, and the punch's answer. */
    record TcpPunch(String connected1, String connected2, String punched1, String punched2) {
    }

    /**
     * TCP hole punching between the private hosts: both connect to a rendezvous listener on the public
     * host ("ok LOCALPORT seen MAPPEDIP MAPPEDPORT"), then each connects from its local port to the
     * other's mapped address at once, for {@code millis}.
     */
    TcpPunch tcpPunch(int millis) throws Exception {
        String[] rendezvous = pub.call("tcp.listen").split(" ");
        String pubIp = net.publicHost().ip();
        String c1 = h1.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        String c2 = h2.call("tcp.connect " + pubIp + " " + rendezvous[2] + " 10000");
        String[] punched = Answers.both(
                () -> h1.call("tcp.punch " + Answers.field(c1, 1) + " " + Answers.field(c2, 3) + " " + Answers.field(c2, 4) + " " + millis),
                () -> h2.call("tcp.punch " + Answers.field(c2, 1) + " " + Answers.field(c1, 3) + " " + Answers.field(c1, 4) + " " + millis));
        return new TcpPunch(c1, c2, punched[0], punched[1]);
    }
}
