package io.tokenflow.report.figures;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;

/**
 * The dispatch map's node names: which nodes get one, and where beside its pie each name goes so
 * that it overlaps the other names, the pies and the flow lines least.
 */
final class MapLabels {

    private static final double LABEL_GAP_PX = 3;
    private static final double LINE_SAMPLE_PX = 4;

    private MapLabels() {}

    /** The nodes whose names are written: the busiest, and every node drawn off the map (it needs its name). */
    static Set<String> named(Scenario scenario, ClearingResult result, MapPlacement placement) {
        Map<String, Double> totals = FigureData.processedByNode(result);
        Set<String> named = new HashSet<>(placement.unplaced());
        FigureData.keepTop(scenario.nodes().stream().map(ComputeNode::id).toList(), DispatchMap.MAX_NAMES_WRITTEN,
                Comparator.comparingDouble((String n) -> totals.getOrDefault(n, 0.0))).forEach(named::add);
        return named;
    }

    /**
     * Puts each named node's name next to its pie: below, above, right or left, whichever overlaps the
     * names already placed, the pies and the flow lines least, so that close sites stay readable.
     */
    static void draw(XYChart chart, Scenario scenario, Set<String> named, MapPlacement placement,
            Map<String, Double> radius, List<PieGeometry.Outline> flowLines, PieGeometry.PixelScale scale) {
        Font font = chart.getStyler().getAnnotationTextFont();
        FontRenderContext context = new FontRenderContext(null, true, false);
        List<Rectangle2D> obstacles = obstacles(scenario, placement, radius, flowLines, scale);
        double plotLeft = chart.getStyler().getXAxisMin() * scale.perUnitX();
        double plotRight = chart.getStyler().getXAxisMax() * scale.perUnitX();
        double plotBottom = chart.getStyler().getYAxisMin() * scale.perUnitY();
        double plotTop = chart.getStyler().getYAxisMax() * scale.perUnitY();
        for (ComputeNode node : scenario.nodes()) {
            if (!named.contains(node.id())) {
                continue;
            }
            String label = placement.unplaced().contains(node.id()) ? node.name() + " (no lat/lon)" : node.name();
            Rectangle2D text = new TextLayout(label, font, context).getBounds();
            double w = text.getWidth() + 2;
            double h = text.getHeight() + 2;
            double r = radius.get(node.id());
            Point2D at = placement.position(node.id());
            double cx = at.getX() * scale.perUnitX();
            double cy = at.getY() * scale.perUnitY();
            double[][] offsets = {
                    {0, -(r + LABEL_GAP_PX + h / 2)}, {0, r + LABEL_GAP_PX + h / 2},
                    {r + LABEL_GAP_PX + w / 2, 0}, {-(r + LABEL_GAP_PX + w / 2), 0},
                    {r * 0.7 + w / 2, -(r * 0.7 + h / 2)}, {-(r * 0.7 + w / 2), -(r * 0.7 + h / 2)},
                    {r * 0.7 + w / 2, r * 0.7 + h / 2}, {-(r * 0.7 + w / 2), r * 0.7 + h / 2}};
            Rectangle2D best = null;
            double bestOverlap = Double.POSITIVE_INFINITY;
            for (double[] offset : offsets) {
                Rectangle2D box = new Rectangle2D.Double(cx + offset[0] - w / 2, cy + offset[1] - h / 2, w, h);
                double overlap = 0;
                for (Rectangle2D obstacle : obstacles) {
                    Rectangle2D shared = box.createIntersection(obstacle);
                    overlap += shared.isEmpty() ? 0 : shared.getWidth() * shared.getHeight();
                }
                boolean inside = box.getMinX() >= plotLeft && box.getMaxX() <= plotRight
                        && box.getMinY() >= plotBottom && box.getMaxY() <= plotTop;
                overlap += inside ? 0 : w * h;
                if (overlap < bestOverlap - 1e-9) {
                    bestOverlap = overlap;
                    best = box;
                }
            }
            obstacles.add(best);
            chart.addAnnotation(new AnnotationText(label, best.getCenterX() / scale.perUnitX(),
                    best.getCenterY() / scale.perUnitY(), false));
        }
    }

    /** What a name should keep off, in pixels: each pie's bounding box, then the flow lines. */
    private static List<Rectangle2D> obstacles(Scenario scenario, MapPlacement placement, Map<String, Double> radius,
            List<PieGeometry.Outline> flowLines, PieGeometry.PixelScale scale) {
        List<Rectangle2D> obstacles = new ArrayList<>();
        for (ComputeNode node : scenario.nodes()) {
            Point2D at = placement.position(node.id());
            double r = radius.get(node.id());
            obstacles.add(new Rectangle2D.Double(at.getX() * scale.perUnitX() - r, at.getY() * scale.perUnitY() - r,
                    2 * r, 2 * r));
        }
        // a line is a chain of small boxes: a name across it is hard to read, one beside it is not
        for (PieGeometry.Outline line : flowLines) {
            double x0 = line.xs()[0] * scale.perUnitX();
            double y0 = line.ys()[0] * scale.perUnitY();
            double x1 = line.xs()[1] * scale.perUnitX();
            double y1 = line.ys()[1] * scale.perUnitY();
            int steps = (int) Math.ceil(Math.hypot(x1 - x0, y1 - y0) / LINE_SAMPLE_PX);
            for (int i = 0; i <= steps; i++) {
                double t = steps == 0 ? 0 : i / (double) steps;
                obstacles.add(new Rectangle2D.Double(x0 + t * (x1 - x0) - 2, y0 + t * (y1 - y0) - 2, 4, 4));
            }
        }
        return obstacles;
    }
}
