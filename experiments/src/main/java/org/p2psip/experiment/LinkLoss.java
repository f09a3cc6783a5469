package org.p2psip.experiment;

import java.util.Map;

/**
 * The extra loss of a {@link Lab}'s links, as an nftables table {@value #TABLE} on the receiving
 * site's edge machine: packets arriving on its uplink from a far site's public address are dropped
 * at random ({@code ip saddr X numgen random mod 100 < N drop}) in {@code prerouting} before
 * connection tracking. Loss is applied where packets arrive, not where they leave: a packet dropped
 * on its sender's own output path would fail the sending call with EPERM instead of vanishing.
 */
final class LinkLoss {

    /** The table (family inet) on a receiving edge machine, present while one of its links has loss. */
    static final String TABLE = "p2psip_links";

    private LinkLoss() {
    }

    /**
     * The ruleset for an edge machine with uplink {@code ifname}, which replaces its table
     * atomically: per far site's public address the percentage of its packets to drop (0 entries
     * are left out; none at all removes the table).
     */
    static String ruleset(String ifname, Map<String, Integer> lossBySourceAddress) {
        StringBuilder rules = new StringBuilder()
                .append("table inet ").append(TABLE).append('\n')
                .append("delete table inet ").append(TABLE).append('\n');
        if (lossBySourceAddress.values().stream().allMatch(p -> p == 0)) {
            return rules.toString();
        }
        rules.append("table inet ").append(TABLE).append(" {\n")
                .append("  chain ingress {\n")
                .append("    type filter hook prerouting priority raw; policy accept;\n");
        lossBySourceAddress.forEach((address, percent) -> {
            NatRuleset.checkPercent(percent);
            if (percent > 0) {
                rules.append("    iifname \"").append(ifname).append("\" ip saddr ").append(address)
                        .append(" numgen random mod 100 < ").append(percent).append(" drop\n");
            }
        });
        rules.append("  }\n}\n");
        return rules.toString();
    }
}
