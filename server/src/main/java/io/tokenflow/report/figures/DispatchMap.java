package io.tokenflow.report.figures;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * The dispatch map: where each class is processed (pies) and how it travels (flow arrows). This
 * class assembles the figure and its caption; {@link MapPlacement}, {@link MapAxes},
 * {@link MapLegend}, {@link MapLinks}, {@link MapFlows}, {@link MapPies} and {@link MapLabels} draw
 * its parts.
 */
final class DispatchMap {

    static final int WIDTH = 1000;
    static final int HEIGHT = 760;

    /** Arc flows drawn: the paper's Figure 1, too, shows only the largest transfers of a large network. */
    static final int MAX_FLOWS_DRAWN = 80;
    /** Node names written: past this many, names overlap whatever the placement. */
    static final int MAX_NAMES_WRITTEN = 30;

    private DispatchMap() {}

    static Figure build(Scenario scenario, ClearingResult result) {
        ClassColours colours = ClassColours.forScenario(scenario);
        MapPlacement placement = MapPlacement.of(scenario.nodes());

        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle("Dispatch: processing by class (pie area ∝ tokens/s) and flows (width ∝ tokens/s)");
        MapAxes.label(chart);
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setMarkerSize(0);

        // legend entries go in before the plot is measured: the legend's size moves the plot
        Set<String> congested = MapLinks.congestedArcs(result);
        MapLegend.add(chart, colours, placement.position(scenario.nodes().get(0).id()), !congested.isEmpty());

        PieGeometry.PixelScale scale = MapAxes.fit(chart, placement);

        // series paint in the order they are added: links under arrows and pies, names over everything
        MapLinks.draw(chart, scenario, placement, congested, scale, colours.classIds().size());
        Map<String, Double> radius = MapPies.radii(scenario, result);
        List<PieGeometry.Outline> flowLines = MapFlows.draw(chart, result, placement, radius, colours, scale);
        MapPies.draw(chart, scenario, result, placement, radius, colours, scale);
        MapLabels.draw(chart, scenario, MapLabels.named(scenario, result, placement), placement, radius, flowLines,
                scale);

        return new Figure("dispatch-map", "Dispatch map", caption(scenario, result, placement, congested),
                chart);
    }

    private static String caption(Scenario scenario, ClearingResult result, MapPlacement placement,
            Set<String> congested) {
        double totalProcessing = result.processing().stream().mapToDouble(ProcessingLevel::tokensPerSecond).sum();
        double maxFlow = result.flows().stream().mapToDouble(ArcFlow::tokensPerSecond).max().orElse(0);
        RateUnit unit = RateUnit.forMagnitude(Math.max(totalProcessing, maxFlow));
        StringBuilder caption = new StringBuilder(String.format(Locale.ROOT,
                "Scenario %s (%s). Each pie shows what a node processes, split by class; its area is "
                        + "proportional to the node's total (%s in all). Arrows carry one class each from the "
                        + "origin of demand to the node that serves it, drawn to the right of their direction; "
                        + "the widest carries %s.",
                scenario.name(), result.status(), unit.format(totalProcessing), unit.format(maxFlow)));
        caption.append(congested.isEmpty() ? " No link is congested."
                : " Red dashed: " + congested.size() + " congested directed link(s) (congestion rent > 0 or full).");
        if (!placement.unplaced().isEmpty()) {
            caption.append(" Nodes without coordinates, drawn in a row below the map: ")
                    .append(String.join(", ", placement.unplaced())).append('.');
        }
        if (result.flows().isEmpty()) {
            caption.append(" No flows: every node serves its own demand.");
        } else if (result.flows().size() > MAX_FLOWS_DRAWN) {
            caption.append(String.format(Locale.ROOT, " The %d largest of %d flows are drawn.", MAX_FLOWS_DRAWN,
                    result.flows().size()));
        }
        if (scenario.nodes().size() > MAX_NAMES_WRITTEN) {
            caption.append(String.format(Locale.ROOT, " Names are written for the %d busiest of %d nodes.",
                    MAX_NAMES_WRITTEN, scenario.nodes().size()));
        }
        return caption.toString();
    }
}
