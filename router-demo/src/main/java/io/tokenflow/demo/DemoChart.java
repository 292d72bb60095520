package io.tokenflow.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's PNG chart: each strategy's cost with penalty per step ($/hr equivalent: what it served that
 * step plus the penalty of what it dropped that step; the tokens still queued at the end fall on the last
 * step) against the LP objective, on a log scale, since a strategy that sheds most tokens costs orders of
 * magnitude more.
 */
public final class DemoChart {
    private DemoChart() {}

    public static void write(DemoRun.Result r, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(560)
                .title(r.scenario().name() + ": cost with penalty per step")
                .xAxisTitle("simulated time (s)").yAxisTitle("$/hr equivalent (log scale)").build();
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisLogarithmic(true);
        double dt = r.settings().sim().stepSeconds();
        int steps = r.settings().sim().steps();
        double[] x = new double[steps];
        for (int t = 0; t < steps; t++) {
            x[t] = (t + 1) * dt;
        }
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        Color[] colors = {new Color(0xE0, 0x7B, 0x00), new Color(0x70, 0x70, 0x70), new Color(0x1F, 0x5F, 0xBF)};
        int c = 0;
        for (Outcome o : r.outcomes()) {
            double[] y = new double[steps];
            for (int t = 0; t < steps; t++) {
                // a step that served and dropped nothing has no point on a log scale: floor it at $1/hr
                y[t] = Math.max(1, (o.servedCostPerStep[t] + o.penaltyPerStep[t]) * 3600 / dt);
                yMin = Math.min(yMin, y[t]);
                yMax = Math.max(yMax, y[t]);
            }
            XYSeries series = chart.addSeries(o.name, x, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(colors[c++ % colors.length]);
        }
        double before = r.lpAtTraceDemand().halves().get(0).objectivePerHour();
        double after = r.lpAtTraceDemand().halves().get(1).objectivePerHour();
        double[] lpY = new double[steps];
        for (int t = 0; t < steps; t++) {
            lpY[t] = t < r.dropStep() ? before : after;
            yMin = Math.min(yMin, lpY[t]);
            yMax = Math.max(yMax, lpY[t]);
        }
        XYSeries lp = chart.addSeries("LP optimum (objective)", x, lpY);
        lp.setMarker(SeriesMarkers.NONE);
        lp.setLineColor(Color.BLACK);
        lp.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        if (r.dropStep() < steps) {
            double dropX = r.dropStep() * dt + dt / 2;
            DemoRun.CapacityDrop d = r.settings().drop().orElseThrow();
            XYSeries mark = chart.addSeries(String.format("capacity drop: %s %s %,.0f -> %,.0f tok/s", d.node(),
                    d.classId(), r.capacityBefore(), r.capacityAfter()), new double[] {dropX, dropX},
                    new double[] {yMin * 0.9, yMax * 1.1});
            mark.setMarker(SeriesMarkers.NONE);
            mark.setLineColor(Color.RED);
            mark.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
