package org.p2psip.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The bottlenecks of a {@link Lab}'s links, as {@code tc} queueing on the uplinks of the sites'
 * edge machines (a public host's {@code eth0}, a NAT router's {@code wan0}). Each shaped uplink gets
 * an {@code htb} root whose default class {@code 1:1} is fast; per far site with a link, a class
 * {@code 1:<10+index>} (hex) at the link's rate with a {@code bfifo} of the link's queue limit,
 * chosen by a {@code u32} filter on the far site's public address. So the bottleneck holds for
 * traffic to that one site only; a link set back to unshaped keeps its class at the fast rate.
 * The tree is made on an uplink the first time one of its links is shaped: a lab without shaped
 * links has no queueing discipline of its own. Not thread-safe: the {@link Lab} serialises calls.
 */
final class LinkShaping {

    /** The rate of the default class and of unshaped links: far above what veth pairs carry here. */
    static final String FAST_RATE = "10gbit";
    /** The queue of the default class and of unshaped links, in packets (veth's txqueuelen). */
    static final int FAST_QUEUE_PACKETS = 1000;

    private final Netns netns;
    private final Set<String> roots = new HashSet<>();
    private final Set<String> classes = new HashSet<>();

    LinkShaping(Netns netns) {
        this.netns = netns;
    }

    /**
     * Sets the queueing of everything {@code from} sends to {@code to} to {@code link}'s rate and
     * queue; an unshaped link on an uplink without a tree changes nothing.
     */
    void apply(Site from, Site to, Link link) {
        NetNode edge = from.edge();
        String key = edge.namespace() + "/" + classMinor(to);
        if (!link.shaped() && !classes.contains(key)) {
            return;
        }
        if (roots.add(edge.namespace())) {
            try {
                for (List<String> command : rootCommands(edge.uplink())) {
                    netns.tc(edge.namespace(), command);
                }
            } catch (NatNetworkException e) {
                roots.remove(edge.namespace());
                throw new NatNetworkException("cannot shape " + edge.name() + "'s uplink (link shaping needs the kernel's "
                        + "htb, bfifo and u32 support: modules sch_htb, sch_fifo, cls_u32): " + e.getMessage(), e);
            }
        }
        boolean add = classes.add(key);
        try {
            for (List<String> command : classCommands(edge.uplink(), to, link, add)) {
                netns.tc(edge.namespace(), command);
            }
        } catch (RuntimeException e) {
            if (add) {
                classes.remove(key);
            }
            throw e;
        }
    }

    /** The {@code tc} arguments that make an uplink's htb root and its fast default class. */
    static List<List<String>> rootCommands(String dev) {
        return List.of(
                List.of("qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "1"),
                rateClass("add", dev, "1:1", null),
                List.of("qdisc", "add", "dev", dev, "parent", "1:1", "handle", "2:", "pfifo", "limit",
                        String.valueOf(FAST_QUEUE_PACKETS)));
    }

    /**
     * The {@code tc} arguments that set the class for traffic to {@code to}: on first use ({@code add})
     * the class, its bfifo and the filter on the far site's address; later a change of both.
     */
    static List<List<String>> classCommands(String dev, Site to, Link link, boolean add) {
        String minor = classMinor(to);
        String classId = "1:" + minor;
        String limit = String.valueOf(link.shaped() ? link.queueLimitBytes() : FAST_QUEUE_PACKETS * 1514);
        List<List<String>> commands = new ArrayList<>();
        commands.add(rateClass(add ? "add" : "change", dev, classId, link));
        commands.add(List.of("qdisc", add ? "add" : "change", "dev", dev, "parent", classId, "handle", minor + ":",
                "bfifo", "limit", limit));
        if (add) {
            commands.add(List.of("filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "dst", to.publicIp() + "/32", "flowid", classId));
        }
        return commands;
    }

    /** The class for traffic to {@code to}: hex 10 + its index in the topology. */
    static String classMinor(Site to) {
        return Integer.toHexString(0x10 + to.spec().index());
    }

    private static List<String> rateClass(String verb, String dev, String classId, Link link) {
        String rate = link != null && link.shaped() ? link.rateKbit() + "kbit" : FAST_RATE;
        List<String> command = new ArrayList<>(List.of("class", verb, "dev", dev, "parent", "1:", "classid", classId,
                "htb", "rate", rate, "ceil", rate));
        if (link == null || !link.shaped()) {
            // a fast class's computed burst would be near zero; it must not be the bottleneck
            command.addAll(List.of("burst", "256k", "cburst", "256k"));
        }
        command.addAll(List.of("quantum", "1514"));
        return command;
    }
}
