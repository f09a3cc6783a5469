package org.p2psip.rtp.relay;

import static org.junit.Assert.assertEquals;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.Test;

/**
 * The jitter figure of an {@code rtp.stats} leg ({@code jitter_ms}) is written without a Formatter
 * ({@link Leg#threeDecimals}), exactly as {@code String.format(Locale.ROOT, "%.3f", x)} wrote it.
 */
public class ThreeDecimalsPropertyTest {

    @Property(tries = 20_000)
    void writesWhatTheFormatterWrote(@ForAll("figures") double x) {
        assertEquals("for " + x, String.format(Locale.ROOT, "%.3f", x), Leg.threeDecimals(x));
    }

    @Provide
    Arbitrary<Double> figures() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(0, 1_000), // jitter in ms
                Arbitraries.integers().between(0, 2_000_000).map(i -> i / 2000.0), // halves of a thousandth: the rounding edge
                Arbitraries.doubles().between(0, 1e15),
                Arbitraries.of(0.0, 0.0005, 0.0015, 1.0005, 2.5, 999.9995, 1e-9, Double.MIN_VALUE));
    }

    @Test
    public void examples() {
        assertEquals("0.000", Leg.threeDecimals(0));
        assertEquals("12.346", Leg.threeDecimals(12.3456));
        assertEquals("0.063", Leg.threeDecimals(0.0625));
        assertEquals("20.000", Leg.threeDecimals(19.99999));
        assertEquals(String.format(Locale.ROOT, "%.3f", Double.NaN), Leg.threeDecimals(Double.NaN));
    }
}
