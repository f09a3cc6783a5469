package org.p2psip.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The adaptation experiment's timeline as a PNG (JFreeChart, headless): RTP packets received per
 * 100 ms at alice and at bob (5 when media flows, 0 in a gap), one plot per phone on a common time
 * axis, with the events (flood on and off, the kill, each change of path) as vertical markers.
 */
final class AdaptPlot {
    private AdaptPlot() {
    }

    /** {@code bobOffsetMs}: when bob's timeline started, in ms after alice's; {@code marks}: label -> ms since alice's start. */
    static void writePng(Path file, PhoneIntervals alice, PhoneIntervals bob, long bobOffsetMs, Map<String, Long> marks)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since media flowed at alice"));
        plot.add(subplot(alice, 0, marks, true), 1);
        plot.add(subplot(bob, bobOffsetMs, marks, false), 1);
        JFreeChart chart = new JFreeChart("Packets received per 100 ms during one call, with its adaptations",
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 650);
    }

    private static XYPlot subplot(PhoneIntervals p, long offsetMs, Map<String, Long> marks, boolean labels) {
        XYSeries s = new XYSeries("at " + p.phone());
        for (PhoneIntervals.Interval i : p.intervals()) {
            s.add(i.t() - AdaptExperiment.TIMELINE_MS / 1000.0 + offsetMs / 1000.0, i.received());
        }
        XYStepRenderer r = new XYStepRenderer();
        r.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
        r.setSeriesStroke(0, new BasicStroke(1.2f));
        NumberAxis y = new NumberAxis("packets at " + p.phone());
        y.setRange(0, 12);
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), null, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        int n = 0;
        for (Map.Entry<String, Long> m : marks.entrySet()) {
            ValueMarker v = new ValueMarker(m.getValue() / 1000.0);
            boolean change = !m.getKey().startsWith("flood") && !m.getKey().endsWith("killed");
            v.setPaint(change ? new Color(0x2c, 0xa0, 0x2c) : new Color(0xd6, 0x27, 0x28));
            v.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    change ? null : new float[] {6f, 4f}, 0f));
            if (labels) {
                v.setLabel(m.getKey());
                v.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                v.setLabelAnchor(n % 2 == 0 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT);
                v.setLabelTextAnchor(n % 2 == 0 ? TextAnchor.TOP_LEFT : TextAnchor.BOTTOM_LEFT);
            }
            n++;
            plot.addDomainMarker(v);
        }
        return plot;
    }
}
