package io.tokenflow.report.figures;

import io.tokenflow.market.menu.OriginMenu;
import io.tokenflow.market.menu.TierMenu;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One population's optimal tier menu at every origin of a class, against the local price π: per tier
 * (smallest cap first) its cap on the left axis, its price and cost floor on the right. Stem
 * {@code menu-<class>}.
 */
public final class MenuFigure {
    private MenuFigure() {}

    /** The figure of {@code menus}, one per origin (any order). */
    public static Figure build(String name, String classId, List<OriginMenu> menus) {
        XYChart chart = new XYChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Tier menu '" + name + "' per origin, class " + classId);
        chart.setXAxisTitle("local price π(origin, " + classId + ") ($/M tokens)");
        chart.setYAxisGroupTitle(0, "cap (tokens per request)");
        chart.setYAxisGroupTitle(1, "price and cost floor ($ per request)");
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        styler.setMarkerSize(7);
        List<OriginMenu> sorted = new ArrayList<>(menus);
        sorted.sort(java.util.Comparator.comparingDouble((OriginMenu m) -> m.menu().costPerMTokens())
                .thenComparing(OriginMenu::origin));
        int tiers = sorted.stream().mapToInt(m -> m.menu().tiers().size()).max().orElse(0);
        for (int g = 0; g < tiers; g++) {
            List<Double> x = new ArrayList<>();
            List<Double> caps = new ArrayList<>();
            List<Double> prices = new ArrayList<>();
            List<Double> floors = new ArrayList<>();
            for (OriginMenu m : sorted) {
                if (m.menu().tiers().size() > g) {
                    TierMenu.Tier t = m.menu().tiers().get(g);
                    x.add(m.menu().costPerMTokens());
                    caps.add((double) t.capTokens());
                    prices.add(t.pricePerRequest());
                    floors.add(t.costFloorPerRequest());
                }
            }
            Color colour = ClassColours.byIndex(g);
            XYSeries cap = chart.addSeries("tier " + (g + 1) + " cap", x, caps);
            style(cap, colour, new BasicStroke(2.5f), SeriesMarkers.CIRCLE);
            XYSeries price = chart.addSeries("tier " + (g + 1) + " price", x, prices);
            style(price, colour, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {8f, 5f}, 0f), SeriesMarkers.SQUARE);
            price.setYAxisGroup(1);
            XYSeries floor = chart.addSeries("tier " + (g + 1) + " floor", x, floors);
            style(floor, colour, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {2f, 4f}, 0f), SeriesMarkers.NONE);
            floor.setYAxisGroup(1);
        }
        if (chart.getSeriesMap().isEmpty()) {
            XYSeries none = chart.addSeries("no tier at any origin", List.of(0.0), List.of(0.0));
            none.setMarker(SeriesMarkers.NONE);
        } else {
            labelOrigins(chart, sorted);
        }
        String caption = String.format(Locale.ROOT, "The same users priced at each of %d origin(s): each origin "
                + "sits at its local price π on the x axis (names at the top). Solid lines: the cap of each tier "
                + "(left axis); dashed: its price; dotted: its cost floor π·cap/10^6 (right axis). A dearer origin "
                + "sells smaller caps, and no tier is priced below its floor.", sorted.size());
        return new Figure("menu-" + Figure.stemPart(classId), "Tier menu per origin: " + classId, caption, chart);
    }

    private static void style(XYSeries s, Color colour, BasicStroke line, org.knowm.xchart.style.markers.Marker marker) {
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setLineStyle(line);
        s.setMarker(marker);
    }

    /** The origins' names above the plot at their prices (origins at one price share a label). */
    private static void labelOrigins(XYChart chart, List<OriginMenu> sorted) {
        TreeMap<Double, List<String>> byPrice = new TreeMap<>();
        for (OriginMenu m : sorted) {
            byPrice.computeIfAbsent(m.menu().costPerMTokens(), p -> new ArrayList<>()).add(m.origin());
        }
        double top = sorted.stream().flatMap(m -> m.menu().tiers().stream()).mapToDouble(TierMenu.Tier::capTokens)
                .max().orElse(1);
        double dearest = sorted.stream().flatMap(m -> m.menu().tiers().stream())
                .mapToDouble(TierMenu.Tier::pricePerRequest).max().orElse(1);
        // headroom on both axes, so that the names above the lines stay clear of them
        chart.getStyler().setYAxisMax(0, top * 1.25);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMax(1, dearest * 1.35);
        chart.getStyler().setYAxisMin(1, 0.0);
        // room left and right, so that the outermost names are not cut at the plot's edge
        double low = byPrice.firstKey();
        double high = byPrice.lastKey();
        double pad = high > low ? 0.12 * (high - low) : Math.max(0.1 * Math.abs(high), 1e-6);
        chart.getStyler().setXAxisMin(low - pad);
        chart.getStyler().setXAxisMax(high + pad);
        int i = 0;
        for (Map.Entry<Double, List<String>> e : byPrice.entrySet()) {
            // alternate heights so that names of close prices do not overlap
            double y = top * (i++ % 2 == 0 ? 1.18 : 1.11);
            chart.addAnnotation(new AnnotationText(String.join(", ", e.getValue()), e.getKey(), y, false));
        }
    }
}
