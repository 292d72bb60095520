package io.tokenflow.report.figures;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Point2D;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;

/**
 * The dispatch map's node pies: one wedge per class a node processes, the pie's area ∝ the node's
 * total, and a small grey dot for a node that processes nothing.
 */
final class MapPies {

    private static final double MAX_RADIUS_PX = 30;
    private static final double MIN_RADIUS_PX = 5;
    private static final double IDLE_NODE_RADIUS_PX = 4;
    private static final Color IDLE_NODE = new Color(0x999999);

    private MapPies() {}

    /** Each node's pie radius in pixels; flows and names keep clear of it. */
    static Map<String, Double> radii(Scenario scenario, ClearingResult result) {
        Map<String, Double> totals = new HashMap<>();
        for (ProcessingLevel level : result.processing()) {
            totals.merge(level.node(), level.tokensPerSecond(), Double::sum);
        }
        double max = totals.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<String, Double> radii = new HashMap<>();
        for (ComputeNode node : scenario.nodes()) {
            double total = totals.getOrDefault(node.id(), 0.0);
            radii.put(node.id(), total > 0 && max > 0
                    ? Math.max(MIN_RADIUS_PX, MAX_RADIUS_PX * Math.sqrt(total / max))
                    : IDLE_NODE_RADIUS_PX);
        }
        return radii;
    }

    static void draw(XYChart chart, Scenario scenario, ClearingResult result, MapPlacement placement,
            Map<String, Double> radius, ClassColours colours, PieGeometry.PixelScale scale) {
        for (ComputeNode node : scenario.nodes()) {
            Point2D at = placement.position(node.id());
            List<String> classes = colours.classIds();
            double[] shares = new double[classes.size()];
            for (int k = 0; k < classes.size(); k++) {
                shares[k] = Math.max(0, result.processing(node.id(), classes.get(k)).tokensPerSecond());
            }
            List<PieGeometry.Wedge> wedges = PieGeometry.wedges(shares);
            if (wedges.isEmpty()) {
                PieGeometry.Outline dot = PieGeometry.wedgeOutline(at.getX(), at.getY(), radius.get(node.id()),
                        new PieGeometry.Wedge(0, 2 * Math.PI), scale);
                addWedge(chart, "idle " + node.id(), dot, IDLE_NODE);
                continue;
            }
            int w = 0;
            for (int k = 0; k < classes.size(); k++) {
                if (shares[k] > 0) {
                    PieGeometry.Outline outline = PieGeometry.wedgeOutline(at.getX(), at.getY(),
                            radius.get(node.id()), wedges.get(w++), scale);
                    addWedge(chart, "pie " + node.id() + " " + classes.get(k), outline, colours.of(classes.get(k)));
                }
            }
        }
    }

    private static void addWedge(XYChart chart, String name, PieGeometry.Outline outline, Color colour) {
        XYSeries wedge = chart.addSeries(name, outline.xs(), outline.ys());
        wedge.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
        wedge.setFillColor(colour);
        wedge.setLineColor(Color.WHITE);
        wedge.setLineStyle(new BasicStroke(1f));
        FigureStyle.unlisted(wedge);
    }
}
