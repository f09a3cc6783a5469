package org.p2psip.experiment;

import java.util.List;

/**
 * A partition of a {@link Lab}'s sites, as an nftables table {@value #TABLE} on each site's edge
 * machine: every packet arriving on its uplink from a site on the other side is dropped
 * ({@code ip saddr { ... } drop} in {@code prerouting} before connection tracking), so the other
 * side's packets vanish as on a cut cable: no ICMP error, no reset, connections time out. Dropped
 * where they arrive, like {@link LinkLoss}, so the sender's own calls never fail with EPERM.
 */
final class LinkCut {

    /** The table (family inet) on an edge machine of a cut lab; removed when the cut heals. */
    static final String TABLE = "p2psip_cut";

    private LinkCut() {
    }

    /** The ruleset that drops what arrives on {@code ifname} from {@code farAddresses}; none: removes the table. */
    static String ruleset(String ifname, List<String> farAddresses) {
        StringBuilder rules = new StringBuilder()
                .append("table inet ").append(TABLE).append('\n')
                .append("delete table inet ").append(TABLE).append('\n');
        if (farAddresses.isEmpty()) {
            return rules.toString();
        }
        rules.append("table inet ").append(TABLE).append(" {\n")
                .append("  chain ingress {\n")
                .append("    type filter hook prerouting priority raw; policy accept;\n")
                .append("    iifname \"").append(ifname).append("\" ip saddr { ").append(String.join(", ", farAddresses))
                .append(" } drop\n")
                .append("  }\n}\n");
        return rules.toString();
    }
}
