package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.MarketIndicators;
import java.awt.BasicStroke;
import java.awt.Color;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demand sweep (the paper's Figure 3): mean price per class against the demand scale on the
 * left axis, the counts of scarce pairs and congested links on the right.
 *
 * <p>XChart 3.8.8 gives every Y axis the same log switch and the same tick formatter. Prices need
 * a log scale (a chat class near 0.07 $/M beside an image class near 40), counts need a linear one
 * that shows zero. So the left axis plots log10 of the price on a linear scale, the counts are
 * lifted by {@link #COUNT_BASE} onto their own axis, and one formatter tells the two apart by size.
 */
final class DemandSweepFigure {

    /** Far above any plotted price or log10 price, so the shared formatter knows a count tick. */
    private static final double COUNT_BASE = 1e12;
    /** A log axis pays off once the cheapest and dearest mean price differ by this factor. */
    private static final double LOG_RATIO = 20;
    private static final Color SCARCE_PAIRS = new Color(0x555555);

    private DemandSweepFigure() {}

    static Figure build(List<DemandSweep.Point> points, MarketIndicators indicators, String scaleMeaning) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a demand sweep figure needs at least one point, got none");
        }
        List<String> classes = points.get(0).result().classIds();
        ClassColours colours = new ClassColours(classes);
        // scales that did not clear OPTIMAL have no prices and no rents to count
        List<DemandSweep.Point> cleared = points.stream().filter(p -> p.result().optimal()).toList();
        double minPrice = Double.POSITIVE_INFINITY;
        double maxPrice = 0;
        for (DemandSweep.Point p : cleared) {
            for (String cls : classes) {
                minPrice = Math.min(minPrice, p.result().meanPrice(cls));
                maxPrice = Math.max(maxPrice, p.result().meanPrice(cls));
            }
        }
        boolean logarithmic = !cleared.isEmpty() && minPrice > 0 && maxPrice / minPrice >= LOG_RATIO;

        XYChart chart = new XYChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Demand sweep: mean price by class, scarcity and congestion");
        chart.setXAxisTitle("demand scale (" + scaleMeaning + ")");
        chart.setYAxisGroupTitle(0, "mean price ($/M tokens" + (logarithmic ? ", log scale)" : ")"));
        chart.setYAxisGroupTitle(1, "count (dashed)");
        chart.setCustomYAxisTickLabelsFormatter(tick -> tick >= COUNT_BASE / 2 ? countLabel(tick - COUNT_BASE)
                : priceLabel(logarithmic ? Math.pow(10, tick) : tick));
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        styler.setMarkerSize(7);
        styler.setXAxisDecimalPattern("0.##");
        styler.setAnnotationLineColor(ClassColours.SATURATED);
        styler.setAnnotationLineStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {6f, 4f}, 0f));
        styler.setAnnotationTextFontColor(ClassColours.SATURATED);

        double firstScale = points.stream().mapToDouble(DemandSweep.Point::scale).min().orElseThrow();
        double lastScale = points.stream().mapToDouble(DemandSweep.Point::scale).max().orElseThrow();
        double span = lastScale - firstScale;
        // the whole sweep, so a breakpoint past the last cleared scale still lands on the plot
        double padScale = Math.max(0.02 * span, 0.01);
        styler.setXAxisMin(firstScale - padScale);
        styler.setXAxisMax(lastScale + padScale);

        double[] scales = cleared.stream().mapToDouble(DemandSweep.Point::scale).toArray();
        for (String cls : classes) {
            double[] prices = cleared.stream()
                    .mapToDouble(p -> logarithmic ? Math.log10(p.result().meanPrice(cls)) : p.result().meanPrice(cls))
                    .toArray();
            if (prices.length > 0) {
                XYSeries series = chart.addSeries(cls, scales, prices);
                series.setLineColor(colours.of(cls));
                series.setMarkerColor(colours.of(cls));
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setLineStyle(new BasicStroke(2.5f));
            }
        }
        if (cleared.isEmpty()) {
            XYSeries none = chart.addSeries("no scale cleared", new double[] {firstScale}, new double[] {0});
            none.setMarker(SeriesMarkers.NONE);
        }
        int maxCount = 0;
        maxCount = Math.max(maxCount, addCount(chart, "scarce node×class pairs", scales, cleared,
                p -> indicators.scarcePairs(p.result()).size(), SCARCE_PAIRS, 3f));
        maxCount = Math.max(maxCount, addCount(chart, "congested links", scales, cleared,
                p -> MarketIndicators.congestedLinks(p.result()).size(), ClassColours.SATURATED, 2f));
        styler.setYAxisMin(1, COUNT_BASE);
        // ten or more counts tall, so that XChart spaces the count ticks by whole numbers
        styler.setYAxisMax(1, COUNT_BASE + Math.max(10, Math.ceil(maxCount * 1.1)));

        double top = logarithmic ? Math.log10(maxPrice) : maxPrice;
        double headroom = logarithmic ? 0.3 : 0.12 * maxPrice;
        Optional<SweepBreakpoint> breakpoint = SweepBreakpoint.first(points);
        if (breakpoint.isPresent() && !cleared.isEmpty()) {
            SweepBreakpoint b = breakpoint.get();
            chart.addAnnotation(new AnnotationLine(b.scale(), true, false));
            // in the empty stretch past the line when the words fit there, else before it
            double textX = lastScale - b.scale() >= 0.15 * span ? (b.scale() + lastScale) / 2 : b.scale() - 0.1 * span;
            chart.addAnnotation(new AnnotationText(b.label(), textX, top + headroom / 2, false));
            styler.setYAxisMax(0, top + headroom);
        }
        String caption = String.format(Locale.ROOT, "Mean locational price per class (left, $/M tokens%s) as all "
                + "demand is scaled; dashed steps (right axis) count the scarce node×class pairs (rent ≥ %s $/M "
                + "tokens) and the congested links. %s",
                logarithmic ? ", log scale" : "", indicators.scarcityThreshold(),
                breakpoint.map(b -> "The red line marks the first scale where the market "
                        + (b.infeasible() ? "cannot serve must-serve demand (" : "leaves demand unserved (")
                        + b.label() + ")" + (b.infeasible() ? "; an infeasible scale has no prices." : "."))
                        .orElse("Every scale cleared with all demand served."));
        return new Figure("demand-sweep", "Demand sweep", caption, chart);
    }

    /** Adds one count series on the right axis; returns its largest count. */
    private static int addCount(XYChart chart, String name, double[] scales, List<DemandSweep.Point> cleared,
            ToIntFunction<DemandSweep.Point> count, Color colour, float width) {
        if (cleared.isEmpty()) {
            return 0;
        }
        double[] lifted = new double[cleared.size()];
        int max = 0;
        for (int i = 0; i < lifted.length; i++) {
            int value = count.applyAsInt(cleared.get(i));
            max = Math.max(max, value);
            lifted[i] = COUNT_BASE + value;
        }
        XYSeries series = chart.addSeries(name, scales, lifted);
        series.setYAxisGroup(1);
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
        series.setLineColor(colour);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineStyle(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {7f, 4f}, 0f));
        return max;
    }

    /**
     * A count tick. Never blank: XChart's formatted axis drops the grid with a blank label; the
     * count axis is made tall enough that its ticks fall on whole counts.
     */
    static String countLabel(double count) {
        long whole = Math.round(count);
        return Math.abs(count - whole) < 1e-6 ? Long.toString(whole) : String.format(Locale.ROOT, "%.1f", count);
    }

    /** Two significant digits: 0.032, 0.1, 3.2, 100. */
    static String priceLabel(double price) {
        if (price == 0) {
            return "0";
        }
        return new BigDecimal(price).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }
}
