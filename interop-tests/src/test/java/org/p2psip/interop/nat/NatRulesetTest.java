package org.p2psip.interop.nat;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.p2psip.experiment.NatMode;
import org.p2psip.experiment.NatRuleset;

/** The nftables text the routers and the loss emulation load (the network tests prove its effect). */
public class NatRulesetTest {

    @Test
    public void symmetricRouterMasqueradesFullyRandomAndForwardsOnlyWhatTheInsideStarted() {
        String rules = NatRuleset.router("lan0", "wan0", NatMode.SYMMETRIC);
        assertThat(rules, containsString("oifname \"wan0\" masquerade fully-random"));
        assertThat(rules, containsString("hook forward priority filter; policy drop;"));
        assertThat(rules, containsString("ct state established,related accept"));
        assertThat(rules, containsString("iifname \"lan0\" oifname \"wan0\" ct state new accept"));
        assertThat(rules, containsString("hook input priority filter; policy drop;"));
        // replaced as a whole when loaded again
        assertThat(rules, containsString("delete table inet p2psip_nat\n"));
    }

    @Test
    public void portPreservingRouterUsesPlainMasquerade() {
        String rules = NatRuleset.router("lan0", "wan0", NatMode.PORT_PRESERVING);
        assertThat(rules, containsString("oifname \"wan0\" masquerade\n"));
        assertThat(rules, not(containsString("fully-random")));
    }

    @Test
    public void lossDropsARandomShareEachWayAndZeroRemovesIt() {
        String rules = NatRuleset.loss("wan0", 30, 5);
        assertThat(rules, containsString("iifname \"wan0\" numgen random mod 100 < 30 drop"));
        assertThat(rules, containsString("oifname \"wan0\" numgen random mod 100 < 5 drop"));
        String oneWay = NatRuleset.loss("eth0", 0, 20);
        assertThat(oneWay, not(containsString("iifname")));
        assertThat(oneWay, containsString("oifname \"eth0\" numgen random mod 100 < 20 drop"));
        String none = NatRuleset.loss("wan0", 0, 0);
        assertThat(none, containsString("delete table inet p2psip_loss"));
        assertThat(none, not(containsString("numgen")));
    }

    @Test
    public void lossOutsideZeroToHundredIsRejected() {
        for (int bad : new int[] {-1, 101}) {
            try {
                NatRuleset.loss("wan0", bad, 0);
                fail("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage(), containsString("0..100"));
            }
        }
    }
}
