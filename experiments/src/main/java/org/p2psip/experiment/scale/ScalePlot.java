package org.p2psip.experiment.scale;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The scale experiment's PNG plots (JFreeChart, drawn headless): lookup hops against N on a log2 axis
 * (mean, p99, the Chord paper's 1/2 log2 N), and churn (consistent lookups and lookup latency against
 * the median session time in stabilization intervals).
 */
final class ScalePlot {
    private ScalePlot() {
    }

    static void hops(Path file, List<LookupHops.Row> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries mean = new XYSeries("mean hops");
        XYSeries p99 = new XYSeries("p99 hops");
        XYSeries half = new XYSeries("1/2 log2 N (Chord paper)");
        for (LookupHops.Row r : rows) {
            mean.add(r.n(), r.mean());
            p99.add(r.n(), r.p99());
            half.add(r.n(), r.halfLog2());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(mean);
        data.addSeries(p99);
        data.addSeries(half);
        LogAxis x = new LogAxis("N (nodes; tcp up to " + maxTcp(rows) + ", in-process above)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        NumberAxis y = new NumberAxis("lookup hops");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesStroke(2, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        XYPlot plot = plot(data, x, y, r);
        save(file, "Lookup hops against N, every owner checked against the sorted ring", plot, 900, 550);
    }

    private static int maxTcp(List<LookupHops.Row> rows) {
        int m = 0;
        for (LookupHops.Row r : rows) {
            if (r.transport().equals("tcp")) {
                m = Math.max(m, r.n());
            }
        }
        return m;
    }

    static void churn(Path file, List<ChurnRun.Result> runs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries consistent = new XYSeries("consistent lookups (%)");
        XYSeries named = new XYSeries("owner named at once (%)");
        XYSeries median = new XYSeries("latency median (ms)");
        XYSeries p99 = new XYSeries("latency p99 (ms)");
        for (ChurnRun.Result c : runs) {
            consistent.add(c.multiple(), c.consistentPercent());
            named.add(c.multiple(), c.ownerNamedPercent());
            if (!Double.isNaN(c.latencyMedianMs())) {
                median.add(c.multiple(), c.latencyMedianMs());
                p99.add(c.multiple(), c.latencyP99Ms());
            }
        }
        NumberAxis x = new NumberAxis("median session time (stabilization intervals)");
        x.setAutoRangeIncludesZero(true);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        NumberAxis pct = new NumberAxis("consistent lookups (%)");
        pct.setAutoRangeIncludesZero(false);
        XYSeriesCollection share = new XYSeriesCollection();
        share.addSeries(consistent);
        share.addSeries(named);
        XYLineAndShapeRenderer shareRenderer = new XYLineAndShapeRenderer(true, true);
        shareRenderer.setSeriesPaint(0, Color.RED);
        shareRenderer.setSeriesPaint(1, Color.BLUE);
        plot.add(plot(share, null, pct, shareRenderer), 1);
        XYSeriesCollection lat = new XYSeriesCollection();
        lat.addSeries(median);
        lat.addSeries(p99);
        LogAxis ms = new LogAxis("lookup latency (ms, log scale)");
        ms.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        ms.setSmallestValue(0.001);
        ms.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
        XYLineAndShapeRenderer latRenderer = new XYLineAndShapeRenderer(true, true);
        latRenderer.setSeriesPaint(0, new Color(0x2c, 0xa0, 0x2c));
        latRenderer.setSeriesPaint(1, Color.BLACK);
        plot.add(plot(lat, null, ms, latRenderer), 1);
        save(file, "Lookups under churn (exponential session times)", plot, 900, 650);
    }

    private static XYPlot plot(XYSeriesCollection data, org.jfree.chart.axis.ValueAxis x, org.jfree.chart.axis.ValueAxis y,
                               XYLineAndShapeRenderer r) {
        for (int i = 0; i < data.getSeriesCount(); i++) {
            if (r.getSeriesStroke(i) == null) {
                r.setSeriesStroke(i, new BasicStroke(2.0f));
            }
        }
        XYPlot p = new XYPlot(data, x, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    private static void save(Path file, String title, XYPlot plot, int w, int h) throws IOException {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, w, h);
    }
}
