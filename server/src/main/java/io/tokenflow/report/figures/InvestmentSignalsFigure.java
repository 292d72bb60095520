package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.InvestmentSignal;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.CategoryStyler;

/**
 * Bars of the most valuable capacities: rent × hours of one more percent, node × class capacities
 * and links apart. Stem {@code investment-signals}.
 */
final class InvestmentSignalsFigure {

    private static final Color LINK_SIGNAL = new Color(0x6B6B6B);

    private InvestmentSignalsFigure() {}

    static Figure build(List<InvestmentSignal> signals, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be >= 1, got " + top);
        }
        List<InvestmentSignal> shown = signals.subList(0, Math.min(top, signals.size()));
        double hours = shown.isEmpty() ? 0 : shown.get(0).horizonHours();
        CategoryChart chart = new CategoryChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setXAxisTitle("capacity");
        chart.setYAxisTitle("value of +1 % capacity ($)");
        List<String> labels = new ArrayList<>();
        List<Double> nodeValues = new ArrayList<>();
        List<Double> linkValues = new ArrayList<>();
        for (InvestmentSignal signal : shown) {
            labels.add(signal.asset().replace("->", " → "));
            boolean link = signal.kind() == InvestmentSignal.Kind.LINK;
            nodeValues.add(link ? 0 : signal.onePercentValue());
            linkValues.add(link ? signal.onePercentValue() : 0);
        }
        String caption;
        if (shown.isEmpty()) {
            chart.setTitle("Investment signals: no binding capacity");
            labels.add("no binding capacity");
            nodeValues.add(0.0);
            linkValues.add(0.0);
            caption = "No capacity earns a rent at this clearing: one more unit of any of them saves nothing.";
        } else {
            chart.setTitle(String.format(Locale.ROOT, "Investment signals: value of +1 %% capacity over %,.0f h ($)",
                    hours));
            caption = String.format(Locale.ROOT, "The %d most valuable of %d capacities with a rent: the scarcity "
                    + "or congestion rent times one percent of the capacity, over %,.0f hours. Exact for a small "
                    + "increase while the optimal basis holds, an upper bound beyond.", shown.size(),
                    signals.size(), hours);
        }
        CategoryStyler styler = FigureStyle.categoryStyle(chart, labels);
        styler.setStacked(true);
        chart.setCustomYAxisTickLabelsFormatter(FigureStyle::dollars);
        if (shown.isEmpty()) {
            styler.setYAxisMin(0.0);
            styler.setYAxisMax(1.0);
            styler.setYAxisTicksVisible(false);
        }
        // a legend entry only for a kind that has a bar
        chart.addSeries("node × class capacity", labels, nodeValues).setFillColor(new Color(0x4E79A7))
                .setShowInLegend(shown.stream().anyMatch(sig -> sig.kind() == InvestmentSignal.Kind.NODE_CLASS));
        chart.addSeries("link capacity", labels, linkValues).setFillColor(LINK_SIGNAL)
                .setShowInLegend(shown.stream().anyMatch(sig -> sig.kind() == InvestmentSignal.Kind.LINK));
        styler.setLegendVisible(!shown.isEmpty());
        return new Figure("investment-signals", "Investment signals", caption, chart);
    }
}
