package org.p2psip.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The NAT experiment's figures as files: the relay peer's RTP-Port legs sampled every second of the
 * call (packets in and out per leg, cumulative) as a CSV, and as a PNG of packets per second per leg
 * and direction with the NATs' UDP binding timeout marked: media that keeps flowing past the mark went through bindings the relay's traffic
 * kept alive.
 */
final class NatPlot {
    private NatPlot() {
    }

    /** One sample of one relay leg: the second of the call and the leg's cumulative counters. */
    record Sample(long second, NatExperimentReport.Leg leg) {
    }

    static void writeCsv(Path file, List<Sample> samples) throws IOException {
        StringBuilder csv = new StringBuilder("second,session,leg,packets_in,packets_out,remote\n");
        for (Sample s : samples) {
            NatExperimentReport.Leg l = s.leg();
            csv.append(String.format(Locale.ROOT, "%d,%s,%s,%d,%d,%s%n", s.second(), l.session(), l.leg(), l.packetsIn(), l.packetsOut(),
                    l.remote()));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    static void writePng(Path file, List<Sample> samples, int udpTimeoutSeconds) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = new LinkedHashMap<>();
        Map<String, Sample> previous = new LinkedHashMap<>();
        for (Sample s : samples) {
            String leg = s.leg().session() + " " + s.leg().leg();
            Sample p = previous.put(leg, s);
            if (p == null || s.second() <= p.second()) {
                continue;
            }
            double dt = s.second() - p.second();
            series.computeIfAbsent(s.leg().leg() + " in", k -> new XYSeries("relay leg " + k))
                    .add(s.second(), (s.leg().packetsIn() - p.leg().packetsIn()) / dt);
            series.computeIfAbsent(s.leg().leg() + " out", k -> new XYSeries("relay leg " + k))
                    .add(s.second(), (s.leg().packetsOut() - p.leg().packetsOut()) / dt);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(i % 2 == 0 ? 2.0f : 1.2f));
        }
        XYPlot p = new XYPlot(data, new NumberAxis("second of the call"), new NumberAxis("RTP packets per second"), r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker timeout = new ValueMarker(udpTimeoutSeconds);
        timeout.setPaint(Color.RED);
        timeout.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        timeout.setLabel("NAT UDP binding timeout");
        p.addDomainMarker(timeout);
        JFreeChart chart = new JFreeChart("Media through the relay peer's RTP-Port (RTP3), per leg", JFreeChart.DEFAULT_TITLE_FONT, p, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
    }
}
