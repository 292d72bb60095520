package io.tokenflow.report.figures;

import io.tokenflow.report.PriceHistorySeries;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Step lines of one class's price per origin over time, versions marked. Stem {@code price-history-<class>}. */
final class PriceHistoryFigure {

    /** Lines in a price-history figure: past a dozen the colours and legend stop telling origins apart. */
    static final int MAX_ORIGINS_DRAWN = 12;
    /** Versions marked on a price-history figure; more would merge into a grey band. */
    static final int MAX_VERSIONS_MARKED = 20;
    /** Past this many versions a history line is drawn without a marker per version. */
    private static final int MAX_VERSIONS_WITH_MARKERS = 60;

    private PriceHistoryFigure() {}

    static Figure build(PriceHistorySeries history) {
        XYChart chart = new XYChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Price history, class " + history.classId() + " ($/M tokens)");
        chart.setXAxisTitle("cleared at (UTC)");
        chart.setYAxisTitle("price ($/M tokens)");
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        styler.setMarkerSize(6);
        List<PriceHistorySeries.Point> all = history.byOrigin().values().stream().flatMap(List::stream).toList();
        long spanMillis = all.isEmpty() ? 0
                : all.stream().mapToLong(p -> p.clearedAt().toEpochMilli()).max().getAsLong()
                        - all.stream().mapToLong(p -> p.clearedAt().toEpochMilli()).min().getAsLong();
        styler.setDatePattern(spanMillis > 86_400_000L ? "MM-dd HH:mm" : spanMillis > 600_000L ? "HH:mm" : "HH:mm:ss");
        int index = 0;
        long versions = all.stream().mapToLong(PriceHistorySeries.Point::version).distinct().count();
        // the origins whose price moved most, then the dearest: a flat line tells the least
        List<Map.Entry<String, List<PriceHistorySeries.Point>>> drawn = FigureData.keepTop(
                List.copyOf(history.byOrigin().entrySet()), MAX_ORIGINS_DRAWN,
                Comparator.comparingDouble((Map.Entry<String, List<PriceHistorySeries.Point>> e) -> range(e.getValue()))
                        .thenComparingDouble(e -> e.getValue().isEmpty() ? 0
                                : e.getValue().get(e.getValue().size() - 1).price()));
        for (Map.Entry<String, List<PriceHistorySeries.Point>> origin : drawn) {
            Color colour = ClassColours.byIndex(index++);
            if (origin.getValue().isEmpty()) {
                continue;
            }
            List<Date> times = origin.getValue().stream().map(p -> Date.from(p.clearedAt())).toList();
            List<Double> prices = origin.getValue().stream().map(PriceHistorySeries.Point::price).toList();
            XYSeries series = chart.addSeries(origin.getKey(), times, prices);
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
            series.setLineColor(colour);
            series.setMarkerColor(colour);
            // a marker per version reads while versions are few; thousands of them only blot the line
            series.setMarker(origin.getValue().size() <= MAX_VERSIONS_WITH_MARKERS ? SeriesMarkers.CIRCLE
                    : SeriesMarkers.NONE);
            series.setLineStyle(new BasicStroke(2f));
        }
        if (chart.getSeriesMap().isEmpty()) {
            XYSeries none = chart.addSeries("no price history", List.of(new Date(0)), List.of(0.0));
            none.setMarker(SeriesMarkers.NONE);
        } else {
            markVersions(chart, styler, drawn.stream().flatMap(e -> e.getValue().stream()).toList());
        }
        String caption = String.format(Locale.ROOT, "The price of class %s at each origin, held from one cleared "
                + "version to the next (%d version(s), %d origin(s)%s). Dotted lines mark the versions after the "
                + "first (up to " + MAX_VERSIONS_MARKED + "); the page's table says what made each.", history.classId(), versions,
                history.byOrigin().size(), FigureData.shownOf(drawn.size(), history.byOrigin().size(),
                        "origins whose price moved most"));
        return new Figure("price-history-" + Figure.stemPart(history.classId()),
                "Price history: " + history.classId(), caption, chart);
    }

    /**
     * A faint line and its number at each version after the first, so the figure reads with the
     * page's table of versions and their causes; left out past {@link #MAX_VERSIONS_MARKED}, where
     * the lines would merge.
     */
    private static void markVersions(XYChart chart, XYStyler styler, List<PriceHistorySeries.Point> points) {
        List<PriceHistorySeries.Point> versions = points.stream()
                .collect(Collectors.toMap(PriceHistorySeries.Point::version, p -> p, (a, b) -> a, java.util.TreeMap::new))
                .values().stream().skip(1).toList();
        if (versions.isEmpty() || versions.size() > MAX_VERSIONS_MARKED) {
            return;
        }
        double max = points.stream().mapToDouble(PriceHistorySeries.Point::price).max().orElse(0);
        double min = points.stream().mapToDouble(PriceHistorySeries.Point::price).min().orElse(0);
        double headroom = max > min ? 0.1 * (max - min) : Math.max(0.05 * Math.abs(max), 1e-6);
        styler.setYAxisMax(max + 2 * headroom);
        styler.setYAxisMin(min - headroom);
        styler.setAnnotationLineColor(new Color(0xB0B0B0));
        styler.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {3f, 3f}, 0f));
        styler.setAnnotationTextFontColor(new Color(0x555555));
        for (PriceHistorySeries.Point version : versions) {
            double x = version.clearedAt().toEpochMilli();
            chart.addAnnotation(new AnnotationLine(x, true, false));
            chart.addAnnotation(new AnnotationText("v" + version.version(), x, max + 1.4 * headroom, false));
        }
    }

    private static double range(List<PriceHistorySeries.Point> points) {
        return points.stream().mapToDouble(PriceHistorySeries.Point::price).max().orElse(0)
                - points.stream().mapToDouble(PriceHistorySeries.Point::price).min().orElse(0);
    }
}
