package org.p2psip.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The partition experiment's timeline as a PNG (JFreeChart, headless), seconds since the cut on a
 * common axis: above, the ring size each peer reported (one step line per peer); below, the calls
 * attempted and the calls that set up with media per second (by the second of their attempt); the
 * cut and the heal as vertical markers.
 */
final class PartitionPlot {
    private PartitionPlot() {
    }

    static void writePng(Path file, List<RingWatch.Sample> samples, List<PartitionReport.CallResult> calls, long cutAt,
                         long healAt, int ringSize) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> perPeer = new LinkedHashMap<>();
        for (RingWatch.Sample s : samples) {
            if (s.size() >= 0) {
                perPeer.computeIfAbsent(s.peer(), XYSeries::new).add((s.atMillis() - cutAt) / 1000.0, s.size());
            }
        }
        XYSeriesCollection rings = new XYSeriesCollection();
        perPeer.values().forEach(rings::addSeries);
        XYStepRenderer ringRenderer = new XYStepRenderer();
        for (int i = 0; i < rings.getSeriesCount(); i++) {
            boolean sideA = rings.getSeriesKey(i).toString().startsWith("peer-a");
            float shade = (float) i / Math.max(1, rings.getSeriesCount());
            ringRenderer.setSeriesPaint(i, sideA ? new Color(0.1f, 0.3f + 0.4f * shade, 0.8f) : new Color(0.9f, 0.3f + 0.4f * shade, 0.1f));
            ringRenderer.setSeriesStroke(i, new BasicStroke(1.5f));
        }
        NumberAxis ringAxis = new NumberAxis("ring size seen by each peer");
        ringAxis.setRange(0, ringSize + 1);
        XYPlot top = plot(rings, ringAxis, ringRenderer, cutAt, healAt);

        TreeMap<Long, int[]> perSecond = new TreeMap<>();
        for (PartitionReport.CallResult c : calls) {
            long second = Math.floorDiv(c.attemptMillis() - cutAt, 1000);
            int[] n = perSecond.computeIfAbsent(second, k -> new int[2]);
            n[0]++;
            if (c.media()) {
                n[1]++;
            }
        }
        XYSeries attempted = new XYSeries("calls attempted");
        XYSeries succeeded = new XYSeries("calls set up with media");
        if (!perSecond.isEmpty()) {
            for (long t = perSecond.firstKey() - 1; t <= perSecond.lastKey() + 1; t++) {
                int[] n = perSecond.getOrDefault(t, new int[2]);
                attempted.add(t, n[0]);
                succeeded.add(t, n[1]);
            }
        }
        XYSeriesCollection callData = new XYSeriesCollection();
        callData.addSeries(attempted);
        callData.addSeries(succeeded);
        XYStepRenderer callRenderer = new XYStepRenderer();
        callRenderer.setSeriesPaint(0, Color.GRAY);
        callRenderer.setSeriesStroke(0, new BasicStroke(2.5f));
        callRenderer.setSeriesPaint(1, new Color(0x2c, 0xa0, 0x2c));
        callRenderer.setSeriesStroke(1, new BasicStroke(1.5f));
        NumberAxis callAxis = new NumberAxis("calls per second");
        callAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot bottom = plot(callData, callAxis, callRenderer, cutAt, healAt);

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since the cut"));
        plot.add(top, 2);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart("Partition and heal: ring size per peer, calls per second",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 750);
    }

    private static XYPlot plot(XYSeriesCollection data, NumberAxis y, XYStepRenderer r, long cutAt, long healAt) {
        XYPlot p = new XYPlot(data, null, y, r);
        p.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // later series on top: successes over attempts
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker cut = new ValueMarker(0);
        cut.setPaint(Color.RED);
        cut.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        cut.setLabel("cut");
        p.addDomainMarker(cut);
        if (healAt != Long.MAX_VALUE) {
            ValueMarker heal = new ValueMarker((healAt - cutAt) / 1000.0);
            heal.setPaint(new Color(0x2c, 0xa0, 0x2c));
            heal.setStroke(new BasicStroke(1.5f));
            heal.setLabel("heal");
            p.addDomainMarker(heal);
        }
        return p;
    }
}
