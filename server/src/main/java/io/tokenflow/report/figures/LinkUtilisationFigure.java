package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.CategoryStyler;

/**
 * Bars of directed-link utilisation, busiest first; saturated or congested links in red.
 * Stem {@code link-utilisation}.
 */
final class LinkUtilisationFigure {

    private static final int MAX_LINKS_SHOWN = 40;
    private static final Color UNSATURATED_LINK = new Color(0x8FAACC);

    private LinkUtilisationFigure() {}

    static Figure build(ClearingResult result) {
        List<LinkState> busy = result.links().stream()
                .filter(l -> l.utilization() > 0 || l.congestionRent() > 0)
                .sorted(Comparator.comparingDouble(LinkState::utilization).reversed()
                        .thenComparing(LinkState::from).thenComparing(LinkState::to))
                .toList();
        List<LinkState> shown = busy.subList(0, Math.min(MAX_LINKS_SHOWN, busy.size()));
        List<String> labels = new ArrayList<>();
        List<Double> normal = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        int congested = 0;
        for (LinkState link : shown) {
            labels.add(link.from() + " → " + link.to());
            boolean hot = link.congestionRent() > 0 || link.utilization() >= MarketIndicators.SATURATION;
            congested += hot ? 1 : 0;
            normal.add(hot ? 0 : 100 * link.utilization());
            full.add(hot ? 100 * link.utilization() : 0);
        }
        if (shown.isEmpty()) {
            labels.add("no link carries traffic");
            normal.add(0.0);
            full.add(0.0);
        }
        CategoryChart chart = new CategoryChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Link utilisation (% of capacity), busiest first");
        chart.setXAxisTitle("directed link");
        chart.setYAxisTitle("utilisation (%)");
        CategoryStyler styler = FigureStyle.categoryStyle(chart, labels);
        // one bar per link: the other series is 0 there, and stacking keeps the bar full width
        styler.setStacked(true);
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(Math.max(100, shown.stream().mapToDouble(l -> 100 * l.utilization()).max().orElse(0)));
        styler.setYAxisDecimalPattern("0");
        chart.addSeries("below capacity", labels, normal).setFillColor(UNSATURATED_LINK);
        chart.addSeries("saturated or congested", labels, full).setFillColor(ClassColours.SATURATED);
        String caption = String.format(Locale.ROOT, "Load over capacity of each directed link that carries "
                + "traffic (%d of %d links%s). Red: %d link(s) full or earning a congestion rent.",
                shown.size(), result.links().size(),
                busy.size() > shown.size() ? ", the " + MAX_LINKS_SHOWN + " busiest shown" : "", congested);
        return new Figure("link-utilisation", "Link utilisation", caption, chart);
    }
}
