package org.p2psip.experiment.scale;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The scale experiment (E4) on a reduced scale: rings up to 128 nodes (TCP up to 16), churn of 16 nodes
 * for 8 s at 10x and 100x the stabilization interval (100 ms), a 1 s REGISTER capacity run. Every
 * lookup of the hops part names the sorted ring's owner, hops grow like log N, the churn runs made
 * lookups (at 100x at least 97 % consistent: the run is short and small, 100 % in the runs since a joining node
 * tells its predecessor, 98-99.9 % before; the full run's target is 99 %), and the report, CSV files and PNG plots are written.
 */
public class ScaleExperimentTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void reducedScaleRunChecksEveryLookupAndWritesItsFigures() throws Exception {
        ScaleExperiment.Settings s = new ScaleExperiment.Settings(128, 16, 500, 16, Duration.ofSeconds(8), Duration.ofMillis(100),
                List.of(10, 100), Duration.ofSeconds(1), 0);
        ScaleReport report = ScaleExperiment.run(s, line -> { });
        Path dir = tmp.getRoot().toPath();
        report.write(dir);
        report.lines().forEach(System.out::println);

        assertEquals(5, report.hops().size()); // 8, 16 on TCP; 32 .. 128 in-process
        for (LookupHops.Row r : report.hops()) {
            assertEquals("lookups at N = " + r.n() + " naming another owner than the sorted ring", 0, r.wrong());
            assertEquals(500, r.lookups());
            assertTrue("mean hops " + r.mean() + " at N = " + r.n(), r.mean() <= r.halfLog2() + 1);
        }
        assertEquals("tcp", report.hops().get(0).transport());
        assertEquals("in-process", report.hops().get(4).transport());
        double slope = report.hopsPerDoubling();
        assertTrue("mean hops grow by " + slope + " per doubling of N, not like log N", slope > 0.25 && slope < 0.75);
        assertTrue(report.hops().get(4).mean() > report.hops().get(0).mean() + 1);
        assertTrue("heap per node " + report.heapBytesPerNode(), report.heapBytesPerNode() > 1000);

        assertEquals(2, report.churn().size());
        for (ChurnRun.Result c : report.churn()) {
            assertTrue("lookups under churn at " + c.multiple() + "x: " + c.lookups(), c.lookups() > 100);
            assertTrue("failures at " + c.multiple() + "x: " + c.failures(), c.failures() > 0);
        }
        ChurnRun.Result slow = report.churn().get(1);
        assertTrue("consistent lookups at 100x: " + slow.consistentPercent(), slow.consistentPercent() >= 97);
        assertTrue(report.capacity().registersPerSecond() > 0);

        for (String f : List.of("report.txt", "scale-hops.csv", "scale-churn.csv", "scale-hops.png", "scale-churn.png")) {
            assertTrue(f + " written", Files.size(dir.resolve(f)) > 100);
        }
        byte[] png = Files.readAllBytes(dir.resolve("scale-hops.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        List<String> csv = Files.readAllLines(dir.resolve("scale-hops.csv"));
        assertEquals(6, csv.size());
        assertTrue(csv.get(5).startsWith("128,in-process,500,"));
        assertEquals(3, Files.readAllLines(dir.resolve("scale-churn.csv")).size());
        assertTrue(Files.readString(dir.resolve("report.txt")).contains("VERDICT"));
    }
}
