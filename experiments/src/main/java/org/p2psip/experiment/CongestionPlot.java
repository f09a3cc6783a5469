package org.p2psip.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The congestion experiment's figures as files: a CSV with one row per run, phone and second
 * (loss, jitter, one-way delay), and a PNG with two stacked plots over the call's seconds, loss
 * and jitter, one line per run and phone (JFreeChart, drawn headless).
 */
final class CongestionPlot {
    private CongestionPlot() {
    }

    /** A run's label and its phones' intervals. */
    record Series(String run, List<PhoneIntervals> phones) {
    }

    static void writeCsv(Path file, List<Series> runs) throws IOException {
        StringBuilder csv = new StringBuilder("run,phone,second,received,expected,lost,loss_percent,jitter_ms,delay_mean_ms,delay_p95_ms\n");
        for (Series s : runs) {
            for (PhoneIntervals p : s.phones()) {
                for (PhoneIntervals.Interval i : p.intervals()) {
                    csv.append(String.format(Locale.ROOT, "%s,%s,%.0f,%d,%d,%d,%.2f,%.2f,%s,%s%n", s.run(), p.phone(), i.t(),
                            i.received(), i.expected(), i.lost(), i.lossPercent(), i.jitterMs(), num(i.delayMeanMs()),
                            num(i.delayP95Ms())));
                }
            }
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.2f", d);
    }

    static void writePng(Path file, String title, List<Series> runs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection loss = new XYSeriesCollection();
        XYSeriesCollection jitter = new XYSeriesCollection();
        for (Series s : runs) {
            for (PhoneIntervals p : s.phones()) {
                String key = s.run() + ", at " + p.phone();
                XYSeries l = new XYSeries(key);
                XYSeries j = new XYSeries(key);
                for (PhoneIntervals.Interval i : p.intervals()) {
                    if (!Double.isNaN(i.lossPercent())) {
                        l.add(i.t(), i.lossPercent());
                    }
                    if (!Double.isNaN(i.jitterMs())) {
                        j.add(i.t(), i.jitterMs());
                    }
                }
                loss.addSeries(l);
                jitter.addSeries(j);
            }
        }
        NumberAxis seconds = new NumberAxis("second of the call");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(seconds);
        plot.add(subplot(loss, "loss (%)"), 1);
        plot.add(subplot(jitter, "jitter (ms, RFC 3550)"), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 700);
    }

    private static XYPlot subplot(XYSeriesCollection data, String label) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(i % 2 == 0 ? 2.0f : 1.2f));
        }
        XYPlot p = new XYPlot(data, null, new NumberAxis(label), r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
