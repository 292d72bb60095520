package io.tokenflow.report.figures;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.CategoryStyler;

/**
 * Stacked bars of processing per node by class; labels carry the node's electricity price.
 * Stem {@code processing}.
 */
final class ProcessingFigure {

    private ProcessingFigure() {}

    static Figure build(Scenario scenario, ClearingResult result) {
        ClassColours colours = ClassColours.forScenario(scenario);
        Map<String, Double> totals = FigureData.processedByNode(result);
        double max = totals.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        RateUnit unit = RateUnit.forMagnitude(max);
        List<ComputeNode> nodes = FigureData.keepTop(scenario.nodes(), FigureData.MAX_NODES_SHOWN,
                Comparator.comparingDouble((ComputeNode n) -> totals.getOrDefault(n.id(), 0.0)));
        List<String> labels = nodes.stream()
                .map(n -> String.format(Locale.ROOT, "%s ($%.3f/kWh)", n.name(), n.electricityPricePerKwh()))
                .toList();
        CategoryChart chart = new CategoryChart(FigureStyle.WIDTH, FigureStyle.HEIGHT);
        chart.setTitle("Processing by node and class (" + unit.label() + ")");
        chart.setXAxisTitle("node (electricity price)");
        chart.setYAxisTitle("processing (" + unit.label() + ")");
        CategoryStyler styler = FigureStyle.categoryStyle(chart, labels);
        styler.setStacked(true);
        for (String cls : colours.classIds()) {
            List<Double> values = nodes.stream()
                    .map(n -> unit.convert(result.processing(n.id(), cls).tokensPerSecond())).toList();
            chart.addSeries(cls, labels, values).setFillColor(colours.of(cls));
        }
        double total = result.processing().stream().mapToDouble(ProcessingLevel::tokensPerSecond).sum();
        String caption = String.format(Locale.ROOT, "Token rate each node processes, stacked by workload class; "
                + "%s processed in all%s. Cheaper electricity draws load until capacity binds.", unit.format(total),
                FigureData.shownOf(nodes.size(), scenario.nodes().size(), "nodes that process most"));
        return new Figure("processing", "Processing by node", caption, chart);
    }
}
