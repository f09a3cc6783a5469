package org.p2psip.interop.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** The system benchmark's pure parts: number formats, ratios, capacity searches, tables, PSS summing. */
public class SystemBenchmarkReportTest {

    private static final String ROLLUP_JVM = String.join("\n",
            "55a4c3e00000-7ffd8e5f2000 ---p 00000000 00:00 0                          [rollup]",
            "Rss:              301412 kB",
            "Pss:              180236 kB",
            "Pss_Dirty:        160120 kB",
            "Pss_Anon:         159964 kB",
            "Pss_File:          20116 kB",
            "Shared_Clean:      62100 kB",
            "Private_Dirty:    160120 kB",
            "Swap:                  0 kB",
            "SwapPss:               0 kB",
            "");
    private static final String ROLLUP_CHILD = "00400000-7fff00000000 ---p 00000000 00:00 0 [rollup]\nRss: 90000 kB\nPss:  47104 kB\n";

    @Test
    public void pssIsReadFromSmapsRollupAndSummedOverTheProcesses() {
        assertEquals(180236, Pss.pssKib(ROLLUP_JVM));
        assertEquals(301412, Pss.rssKib(ROLLUP_JVM));
        assertEquals(47104, Pss.pssKib(ROLLUP_CHILD));
        assertEquals(-1, Pss.pssKib("Rss: 12 kB\n"));
        // Pss_Dirty and friends are not Pss
        assertEquals(180236 + 47104, Pss.sumPssKib(List.of(ROLLUP_JVM, ROLLUP_CHILD, "no such line")));
        assertEquals("221.0", Table.mib(180236 + 46068));
        assertEquals("-", Table.mib(-1));
    }

    @Test
    public void pssOfThisJvmIsPositive() {
        Pss.Tree t = Pss.of(ProcessHandle.current());
        assertTrue(t.pssKib() > 0);
        assertFalse(t.parts().isEmpty());
    }

    @Test
    public void millisecondsAndRatiosAreFormattedByMagnitude() {
        assertEquals("1.98", Table.ms(1.9768));
        assertEquals("90.7", Table.ms(90.66));
        assertEquals("1746", Table.ms(1745.6));
        assertEquals("-", Table.ms(Double.NaN));
        assertEquals("2.00x", Table.ratio(4.0, 2.0));
        assertEquals("36.9x", Table.ratio(90.7, 2.46));
        assertEquals("0.040x", Table.ratio(40, 1000));
        assertEquals("n/a", Table.ratio(Double.NaN, 2));
        assertEquals("n/a", Table.ratio(3, 0));
    }

    @Test
    public void capacityIsTheHighestRatePassedBeforeTheFirstFailure() {
        Capacity c = new Capacity(List.of(10, 20, 40, 60), List.of(true, true, true, false));
        assertEquals(40, c.best());
        assertEquals(60, c.firstFailed());
        assertFalse(c.allPassed());
        assertEquals("40", c.display());
        Capacity all = new Capacity(List.of(250, 1000), List.of(true, true));
        assertEquals(">= 1000", all.display());
        Capacity none = new Capacity(List.of(10), List.of(false));
        assertEquals("< 10", none.display());
        assertTrue(Double.isNaN(none.value()));
        assertEquals("-", new Capacity(List.of(), List.of()).display());
        // a bound on Kamailio's side (every rate passed) makes the ratio an upper bound
        assertEquals("<= 0.040x", Report.capRatio(c, all));
        assertEquals("~ 0.25x", Report.capRatio(new Capacity(List.of(250), List.of(true)), all));
        assertEquals("n/a", Report.capRatio(none, all));
        assertEquals("n/a", Report.capRatio(c, null));
    }

    @Test
    public void tablesArePaddedMarkdownWithNotes() {
        Table t = new Table("Title", "system", "median").row("Kamailio", "1.98").row("p2psip", "90.7").note("* a note");
        assertEquals(String.join("\n",
                "Title",
                "",
                "| system   | median |",
                "|----------|--------|",
                "| Kamailio | 1.98   |",
                "| p2psip   | 90.7   |",
                "",
                "* a note",
                ""), t.render());
    }

    @Test(expected = IllegalArgumentException.class)
    public void aRowMustFitTheHeader() {
        new Table("t", "a", "b").row("only one");
    }
}
