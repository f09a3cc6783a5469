package org.p2psip.experiment;

/**
 * The nftables rulesets the network loads: a NAT router's (source NAT towards the public side,
 * stateful filtering that forwards only what the inside started) and the packet-loss table that
 * emulates congestion on a node's uplink. Each ruleset replaces its table atomically
 * ({@code table X; delete table X; table X {...}} in one {@code nft -f} transaction).
 */
public final class NatRuleset {

    /** The router's table (family inet). */
    public static final String NAT_TABLE = "p2psip_nat";
    /** The packet-loss table (family inet), present in a node only while it has a loss set. */
    public static final String LOSS_TABLE = "p2psip_loss";

    private NatRuleset() {
    }

    /**
     * A NAT router between {@code lanIf} (inside) and {@code wanIf} (public side): source NAT in
     * the given mode; forward inside-to-outside new connections and, in both directions, only
     * packets of connections the inside started ({@code ct state established,related}); the
     * router itself accepts anything from the inside and, from the outside, only replies.
     * Everything else (unsolicited inbound, invalid) is dropped silently, without ICMP or RST.
     */
    public static String router(String lanIf, String wanIf, NatMode mode) {
        return "table inet " + NAT_TABLE + "\n"
                + "delete table inet " + NAT_TABLE + "\n"
                + "table inet " + NAT_TABLE + " {\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority filter; policy drop;\n"
                + "    ct state established,related accept\n"
                + "    iifname \"" + lanIf + "\" oifname \"" + wanIf + "\" ct state new accept\n"
                + "  }\n"
                + "  chain input {\n"
                + "    type filter hook input priority filter; policy drop;\n"
                + "    iifname \"lo\" accept\n"
                + "    ct state established,related accept\n"
                + "    iifname \"" + lanIf + "\" accept\n"
                + "  }\n"
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    oifname \"" + wanIf + "\" " + mode.nftStatement() + "\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * Drops a random {@code inPercent} of the packets arriving on {@code ifname} (before connection
     * tracking) and {@code outPercent} of those leaving through it (after NAT); 0 and 0 removes
     * the loss table.
     */
    public static String loss(String ifname, int inPercent, int outPercent) {
        checkPercent(inPercent);
        checkPercent(outPercent);
        StringBuilder rules = new StringBuilder()
                .append("table inet ").append(LOSS_TABLE).append('\n')
                .append("delete table inet ").append(LOSS_TABLE).append('\n');
        if (inPercent == 0 && outPercent == 0) {
            return rules.toString();
        }
        rules.append("table inet ").append(LOSS_TABLE).append(" {\n")
                .append("  chain ingress {\n")
                .append("    type filter hook prerouting priority raw; policy accept;\n");
        if (inPercent > 0) {
            rules.append("    iifname \"").append(ifname).append("\" numgen random mod 100 < ")
                    .append(inPercent).append(" drop\n");
        }
        rules.append("  }\n")
                .append("  chain egress {\n")
                .append("    type filter hook postrouting priority 300; policy accept;\n");
        if (outPercent > 0) {
            rules.append("    oifname \"").append(ifname).append("\" numgen random mod 100 < ")
                    .append(outPercent).append(" drop\n");
        }
        rules.append("  }\n").append("}\n");
        return rules.toString();
    }

    static void checkPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss must be 0..100 percent, not " + percent);
        }
    }
}
