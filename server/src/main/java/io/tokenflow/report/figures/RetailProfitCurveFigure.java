package io.tokenflow.report.figures;

import io.tokenflow.market.retail.RetailAnswer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The target's profit curve of a retail answer ({@code tokenflow retail --plot}): profit against the
 * target's price over its range, with its equilibrium flow on the right axis and the exact optimum marked.
 * Profit is shown in $/hr (the format's $/M tokens × tokens/s times 3600 / 10^6).
 */
public final class RetailProfitCurveFigure {
    private static final double PER_HOUR = 3600 / 1e6;
    private static final Color PROFIT = new Color(0x1F5FA8);
    private static final Color FLOW = new Color(0x888888);
    private static final Color OPTIMUM = new Color(0xC0392B);

    private RetailProfitCurveFigure() {}

    /** The chart of {@code answer}'s curve; the answer must have a target with at least two curve points. */
    public static XYChart chart(RetailAnswer answer) {
        RetailAnswer.Optimum o = answer.optimum().orElseThrow(
                () -> new IllegalArgumentException("--plot needs a game with a target: there is no profit curve"));
        List<RetailAnswer.CurvePoint> curve = o.curve();
        if (curve.size() < 2) {
            throw new IllegalArgumentException("--plot needs at least 2 curve points, got " + curve.size());
        }
        double[] price = curve.stream().mapToDouble(RetailAnswer.CurvePoint::price).toArray();
        double[] profit = curve.stream().mapToDouble(p -> p.profit() * PER_HOUR).toArray();
        double[] flow = curve.stream().mapToDouble(RetailAnswer.CurvePoint::flow).toArray();
        XYChart chart = new XYChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle(answer.name() + ": profit of " + o.target() + " against its price");
        chart.setXAxisTitle("price of " + o.target() + " ($/M tokens); rivals at their posted prices");
        chart.setYAxisGroupTitle(0, "profit ($/hr; cost " + String.format(Locale.ROOT, "%.4g", o.marginalCost())
                + " $/M tokens)");
        chart.setYAxisGroupTitle(1, "equilibrium flow to " + o.target() + " (tokens/s, dashed)");
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        styler.setXAxisDecimalPattern("0.##");
        styler.setYAxisDecimalPattern("#,##0"); // both axes: $/hr and tokens/s, no exponents

        XYSeries profitSeries = chart.addSeries("profit ($/hr)", price, profit);
        profitSeries.setMarker(SeriesMarkers.NONE);
        profitSeries.setLineColor(PROFIT);
        profitSeries.setLineStyle(new BasicStroke(2.5f));
        XYSeries flowSeries = chart.addSeries("flow (tokens/s)", price, flow);
        flowSeries.setYAxisGroup(1);
        flowSeries.setMarker(SeriesMarkers.NONE);
        flowSeries.setLineColor(FLOW);
        flowSeries.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {6f, 4f}, 0f));
        XYSeries best = chart.addSeries(String.format(Locale.ROOT, "optimum %.4f $/M, %s/hr%s", o.price(),
                FigureStyle.dollars(o.profit() * PER_HOUR), o.exact() ? " (exact)" : ""),
                new double[] {o.price()}, new double[] {o.profit() * PER_HOUR});
        best.setMarker(SeriesMarkers.DIAMOND);
        best.setMarkerColor(OPTIMUM);
        best.setLineColor(OPTIMUM);
        return chart;
    }

    /** Writes the chart as PNG to {@code file}, replaced atomically. */
    public static Path writePng(RetailAnswer answer, Path file) throws IOException {
        XYChart chart = chart(answer);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
