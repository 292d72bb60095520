package io.tokenflow.report.figures;

import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.CategoryStyler;

/**
 * Stacked bars of one class's price per origin by component (paper eq. 9); each bar's label
 * carries the price. Stem {@code decomposition-<class>}.
 */
final class PriceDecompositionFigure {

    private PriceDecompositionFigure() {}

    static Figure build(ClearingResult result, String classId) {
        if (!result.classIds().contains(classId)) {
            throw new IllegalArgumentException("no class '" + classId + "' in the clearing (classes: "
                    + result.classIds() + ")");
        }
        List<NodePrice> allPrices = result.prices().stream().filter(p -> p.classId().equals(classId)).toList();
        List<NodePrice> prices = FigureData.keepTop(allPrices, FigureData.MAX_NODES_SHOWN,
                Comparator.comparingDouble(NodePrice::price));
        Map<String, ToDoubleFunction<NodePrice>> components = new LinkedHashMap<>();
        components.put("energy", NodePrice::energy);
        components.put("scarcity", NodePrice::scarcity);
        components.put("routing", NodePrice::routing);
        components.put("congestion", NodePrice::congestion);
        components.put("unserved penalty", NodePrice::unservedPenalty);
        Map<String, Color> componentColours = Map.of(
                "energy", new Color(0x4E79A7), "scarcity", new Color(0xF28E2B), "routing", new Color(0x76B7B2),
                "congestion", ClassColours.SATURATED, "unserved penalty", new Color(0x555555));

        CategoryChart chart = new CategoryChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Price decomposition, class " + classId + " ($/M tokens)");
        chart.setXAxisTitle("origin → serving node: price");
        chart.setYAxisTitle("price ($/M tokens)");
        // the total goes in the label: XChart prints a stack's sum only along with every segment's value
        List<String> labels = prices.stream().map(p -> p.node() + p.servingNode()
                .filter(s -> !s.equals(p.node())).map(s -> " → " + s).orElse("")
                + ": " + FigureStyle.threeDigits(p.price())).toList();
        CategoryStyler styler = FigureStyle.categoryStyle(chart, labels);
        styler.setStacked(true);
        styler.setYAxisDecimalPattern("#,##0.###");
        List<String> drawn = new ArrayList<>();
        for (Map.Entry<String, ToDoubleFunction<NodePrice>> component : components.entrySet()) {
            List<Double> values = prices.stream().map(p -> component.getValue().applyAsDouble(p)).toList();
            if (values.stream().anyMatch(v -> Math.abs(v) > 1e-12)) {
                chart.addSeries(component.getKey(), labels, values).setFillColor(componentColours.get(component.getKey()));
                drawn.add(component.getKey());
            }
        }
        String caption;
        if (prices.isEmpty()) {
            chart.addSeries("no prices", List.of("status " + result.status()), List.of(0.0));
            caption = "The clearing is " + result.status() + ": it has no prices to decompose.";
        } else {
            if (drawn.isEmpty()) {
                chart.addSeries("energy", labels, prices.stream().map(p -> 0.0).toList());
            }
            caption = String.format(Locale.ROOT, "The price π of class %s at each origin, split into the parts "
                    + "of eq. 9 along the path to the node serving the marginal unit (after the arrow when it is "
                    + "not the origin); the price itself follows the colon. Mean price %.4g $/M tokens; components drawn: "
                    + "%s%s.", classId, result.meanPrice(classId),
                    drawn.isEmpty() ? "none (all zero)" : String.join(", ", drawn),
                    FigureData.shownOf(prices.size(), allPrices.size(), "dearest origins"));
        }
        return new Figure("decomposition-" + Figure.stemPart(classId), "Price decomposition: " + classId,
                caption, chart);
    }
}
