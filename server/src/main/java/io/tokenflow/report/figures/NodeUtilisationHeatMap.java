package io.tokenflow.report.figures;

import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

/**
 * Heat map of node × class utilisation; saturated pairs are red, pairs without capacity blank.
 * Stem {@code node-utilisation}.
 */
final class NodeUtilisationHeatMap {

    /** Beyond this many labels the heat map's node labels are turned to stay apart. */
    private static final int UPRIGHT_LABELS_MAX = 8;
    /**
     * Unsaturated cells stop at 99 %, so that only saturated ones print as 100; the colour scale
     * turns red only past 99 % (see {@link #utilisationColours}).
     */
    private static final double UNSATURATED_CAP_PERCENT = 99.0;
    private static final double SATURATED_COLOUR_FROM = 99.5;

    private NodeUtilisationHeatMap() {}

    static Figure build(ClearingResult result) {
        List<String> allNodes = result.processing().stream().map(ProcessingLevel::node).distinct().toList();
        Map<String, Long> saturatedAt = result.processing().stream().filter(FigureData::isSaturated)
                .collect(Collectors.groupingBy(ProcessingLevel::node, Collectors.counting()));
        Map<String, Double> totals = FigureData.processedByNode(result);
        // where capacity binds is what this figure is for: those nodes first, then the busiest
        List<String> nodes = FigureData.keepTop(allNodes, FigureData.MAX_NODES_SHOWN,
                Comparator.comparingLong((String n) -> saturatedAt.getOrDefault(n, 0L))
                        .thenComparingDouble(n -> totals.getOrDefault(n, 0.0)));
        List<String> classes = result.classIds();
        List<Number[]> cells = new ArrayList<>();
        int saturated = 0;
        int withoutCapacity = 0;
        for (ProcessingLevel level : result.processing()) {
            if (!nodes.contains(level.node())) {
                continue;
            }
            Number[] cell = {nodes.indexOf(level.node()), classes.indexOf(level.classId()), 0};
            if (level.capacityTokensPerSecond() <= 0) {
                withoutCapacity++;
                continue;
            }
            if (FigureData.isSaturated(level)) {
                saturated++;
                cell[2] = 100.0;
            } else {
                // below saturation never reads, or colours, as full
                cell[2] = Math.min(UNSATURATED_CAP_PERCENT,
                        100 * level.tokensPerSecond() / level.capacityTokensPerSecond());
            }
            cells.add(cell);
        }
        // the theme constructor: the plain one leaves the heat map's colours and value font unset
        HeatMapChart chart = new HeatMapChart(FigureStyle.WIDTH, FigureStyle.HEIGHT, Styler.ChartTheme.XChart);
        chart.setTitle("Utilisation of serving capacity by node and class (%, red = saturated)");
        chart.setXAxisTitle("node");
        chart.setYAxisTitle("class");
        HeatMapStyler styler = FigureStyle.apply(chart.getStyler());
        // pairs without capacity have no cell and show this grey
        styler.setPlotBackgroundColor(new Color(0xE6E6E6));
        styler.setPlotContentSize(1.0);
        // the gradient legend would read 0..99.5 and hide the red; the title says what red means
        styler.setLegendVisible(false);
        styler.setPlotGridLinesVisible(false);
        styler.setShowValue(true);
        styler.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, nodes.size() > 12 ? 10 : 12));
        styler.setHeatMapValueDecimalPattern("0");
        styler.setRangeColors(utilisationColours());
        styler.setXAxisLabelRotation(nodes.size() > UPRIGHT_LABELS_MAX ? 45 : 0);
        chart.addSeries("utilisation %", nodes, classes, cells).setMin(0).setMax(SATURATED_COLOUR_FROM);
        String caption = String.format(Locale.ROOT, "Processing as a percentage of capacity for each node and "
                + "class, from white (idle) to blue (nearly full). Red: %d saturated pair(s) (full, or with a scarcity "
                + "rent); grey without a number: %d pair(s) with no capacity%s.", saturated, withoutCapacity,
                FigureData.shownOf(nodes.size(), allNodes.size(),
                        "nodes with the most saturated pairs, then the busiest,"));
        return new Figure("node-utilisation", "Node utilisation", caption, chart);
    }

    /**
     * White to blue over 0..99 %, then red from 99.5 %. XChart blends neighbouring range colours,
     * so the blue ramp is given in 200 steps to squeeze the blend into red between 99 and 99.5 %,
     * where no cell lies.
     */
    private static Color[] utilisationColours() {
        int steps = 200;
        Color low = new Color(0xF7FBFF);
        Color high = new Color(0x3C7FC0);
        Color[] colours = new Color[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = i / (double) (steps - 1);
            colours[i] = new Color(
                    (int) Math.round(low.getRed() + t * (high.getRed() - low.getRed())),
                    (int) Math.round(low.getGreen() + t * (high.getGreen() - low.getGreen())),
                    (int) Math.round(low.getBlue() + t * (high.getBlue() - low.getBlue())));
        }
        colours[steps] = ClassColours.SATURATED;
        return colours;
    }
}
