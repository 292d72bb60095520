package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.ProcessingLevel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The dispatch map: where each class is processed (pies) and how it travels (flow arrows). */
final class DispatchMap {

    static final int WIDTH = 1000;
    static final int HEIGHT = 760;

    private static final double MAX_PIE_RADIUS_PX = 30;
    private static final double MIN_PIE_RADIUS_PX = 5;
    private static final double IDLE_NODE_RADIUS_PX = 4;
    private static final double MIN_FLOW_WIDTH_PX = 1.5;
    private static final double MAX_FLOW_WIDTH_PX = 7;
    private static final double FLOW_LANE_PX = 6;
    private static final double CONGESTION_WIDTH_PX = 3;
    private static final double MAX_DISTORTION = 1.4;
    private static final double LABEL_GAP_PX = 3;
    private static final double LINE_SAMPLE_PX = 4;
    private static final Color IDLE_NODE = new Color(0x999999);
    private static final Color TRANSPARENT = new Color(0, 0, 0, 0);

    /** Arc flows drawn: the paper's Figure 1, too, shows only the largest transfers of a large network. */
    static final int MAX_FLOWS_DRAWN = 80;
    /** Node names written: past this many, names overlap whatever the placement. */
    static final int MAX_NAMES_WRITTEN = 30;

    private DispatchMap() {}

    static Figure build(Scenario scenario, ClearingResult result) {
        ClassColours colours = ClassColours.forScenario(scenario);
        Placement placement = Placement.of(scenario.nodes());

        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle("Dispatch: processing by class (pie area ∝ tokens/s) and flows (width ∝ tokens/s)");
        chart.setXAxisTitle("longitude");
        chart.setYAxisTitle("latitude");
        chart.setCustomXAxisTickLabelsFormatter(lon -> degrees(lon, "E", "W"));
        chart.setCustomYAxisTickLabelsFormatter(lat -> degrees(lat, "N", "S"));
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setMarkerSize(0);

        // legend entries go in before the plot is measured: the legend's size moves the plot
        Point2D anchor = placement.position(scenario.nodes().get(0).id());
        for (String cls : colours.classIds()) {
            XYSeries swatch = chart.addSeries(cls, new double[] {anchor.getX()}, new double[] {anchor.getY()});
            swatch.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
            swatch.setFillColor(colours.of(cls));
            swatch.setLineColor(TRANSPARENT);
            swatch.setMarker(SeriesMarkers.NONE);
        }
        Set<String> congested = congestedArcs(result);
        if (!congested.isEmpty()) {
            XYSeries legend = chart.addSeries("congested link", new double[] {anchor.getX()},
                    new double[] {anchor.getY()});
            legend.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            legend.setLineColor(ClassColours.SATURATED);
            legend.setLineStyle(dashed(CONGESTION_WIDTH_PX));
            legend.setMarker(SeriesMarkers.NONE);
        }

        PieGeometry.PixelScale scale = fitAxes(chart, placement);

        drawLinks(chart, scenario, placement, congested, scale, colours.classIds().size());
        Map<String, Double> radius = pieRadii(scenario, result);
        List<PieGeometry.Outline> flowLines = drawFlows(chart, result, placement, radius, colours, scale);
        drawPies(chart, scenario, result, placement, radius, colours, scale);
        labelNodes(chart, scenario, namedNodes(scenario, result, placement), placement, radius, flowLines, scale);

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
        return new Figure("dispatch-map", "Dispatch map", caption.toString(), chart);
    }

    /**
     * Sets the axis ranges around the nodes and measures the plot's pixels per degree. A degree of
     * longitude should look cos(latitude) as long as one of latitude; the ranges are widened only
     * where the plot's shape would distort that by more than {@link #MAX_DISTORTION}, since a map
     * that fills the plot reads better than an exact one.
     */
    private static PieGeometry.PixelScale fitAxes(XYChart chart, Placement placement) {
        double padX = Math.max(1.5, 0.08 * placement.spanX());
        double padY = Math.max(1.5, 0.12 * placement.spanY());
        double xMin = placement.minX() - padX;
        double xMax = placement.maxX() + padX;
        double yMin = placement.minY() - padY;
        double yMax = placement.maxY() + padY;
        setRanges(chart, xMin, xMax, yMin, yMax);
        PieGeometry.PixelScale first = measure(chart, xMin, xMax, yMin, yMax);
        double plotWidth = (xMax - xMin) * first.perUnitX();
        double plotHeight = (yMax - yMin) * first.perUnitY();
        double meanLat = (placement.minY() + placement.maxY()) / 2;
        double target = Math.max(0.3, Math.cos(Math.toRadians(meanLat)));
        double ratio = first.perUnitX() / first.perUnitY();
        if (ratio > target * MAX_DISTORTION) {
            double grow = (plotWidth / (first.perUnitY() * target * MAX_DISTORTION) - (xMax - xMin)) / 2;
            xMin -= grow;
            xMax += grow;
        } else if (ratio < target / MAX_DISTORTION) {
            double grow = (plotHeight / (first.perUnitX() * MAX_DISTORTION / target) - (yMax - yMin)) / 2;
            yMin -= grow;
            yMax += grow;
        } else {
            return first;
        }
        setRanges(chart, xMin, xMax, yMin, yMax);
        return measure(chart, xMin, xMax, yMin, yMax);
    }

    private static void setRanges(XYChart chart, double xMin, double xMax, double yMin, double yMax) {
        chart.getStyler().setXAxisMin(xMin).setXAxisMax(xMax).setYAxisMin(yMin).setYAxisMax(yMax);
    }

    private static PieGeometry.PixelScale measure(XYChart chart, double xMin, double xMax, double yMin,
            double yMax) {
        // XChart lays the plot out while painting; paint once off screen to learn where the axes went
        BitmapEncoder.getBufferedImage(chart);
        double perX = (chart.getScreenXFromChart(xMax) - chart.getScreenXFromChart(xMin)) / (xMax - xMin);
        double perY = (chart.getScreenYFromChart(yMin) - chart.getScreenYFromChart(yMax)) / (yMax - yMin);
        return new PieGeometry.PixelScale(perX, perY);
    }

    private static Set<String> congestedArcs(ClearingResult result) {
        Set<String> arcs = new HashSet<>();
        for (LinkState link : result.links()) {
            if (link.congestionRent() > 0 || link.utilization() >= MarketIndicators.SATURATION) {
                arcs.add(link.from() + "->" + link.to());
            }
        }
        return arcs;
    }

    private static void drawLinks(XYChart chart, Scenario scenario, Placement placement, Set<String> congested,
            PieGeometry.PixelScale scale, int classCount) {
        Set<String> drawnPairs = new HashSet<>();
        for (Link link : scenario.links()) {
            Point2D from = placement.position(link.from());
            Point2D to = placement.position(link.to());
            String pair = link.from().compareTo(link.to()) < 0 ? link.from() + "|" + link.to()
                    : link.to() + "|" + link.from();
            if (drawnPairs.add(pair)) {
                XYSeries line = chart.addSeries("link " + pair, new double[] {from.getX(), to.getX()},
                        new double[] {from.getY(), to.getY()});
                line.setLineColor(FigureStyle.LINK);
                line.setLineStyle(new BasicStroke(0.8f));
                hide(line);
            }
            if (congested.contains(link.label())) {
                // outside the flow lanes of this direction, so flows never hide it
                double offset = FLOW_LANE_PX * (classCount + 0.5) + CONGESTION_WIDTH_PX;
                PieGeometry.offsetSegment(from.getX(), from.getY(), to.getX(), to.getY(), offset, 0, 0, scale)
                        .ifPresent(segment -> {
                            XYSeries line = chart.addSeries("congested " + link.label(), segment.xs(), segment.ys());
                            line.setLineColor(ClassColours.SATURATED);
                            line.setLineStyle(dashed(CONGESTION_WIDTH_PX));
                            hide(line);
                        });
            }
        }
    }

    private static Map<String, Double> pieRadii(Scenario scenario, ClearingResult result) {
        Map<String, Double> totals = new HashMap<>();
        for (ProcessingLevel level : result.processing()) {
            totals.merge(level.node(), level.tokensPerSecond(), Double::sum);
        }
        double max = totals.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<String, Double> radii = new HashMap<>();
        for (ComputeNode node : scenario.nodes()) {
            double total = totals.getOrDefault(node.id(), 0.0);
            radii.put(node.id(), total > 0 && max > 0
                    ? Math.max(MIN_PIE_RADIUS_PX, MAX_PIE_RADIUS_PX * Math.sqrt(total / max))
                    : IDLE_NODE_RADIUS_PX);
        }
        return radii;
    }

    /** Draws every arc flow; returns the lines drawn, which the node names should keep off. */
    private static List<PieGeometry.Outline> drawFlows(XYChart chart, ClearingResult result, Placement placement,
            Map<String, Double> radius, ClassColours colours, PieGeometry.PixelScale scale) {
        List<PieGeometry.Outline> drawn = new ArrayList<>();
        double maxFlow = result.flows().stream().mapToDouble(ArcFlow::tokensPerSecond).max().orElse(0);
        for (ArcFlow flow : largestFlows(result)) {
            Point2D from = placement.position(flow.from());
            Point2D to = placement.position(flow.to());
            double width = MIN_FLOW_WIDTH_PX + (MAX_FLOW_WIDTH_PX - MIN_FLOW_WIDTH_PX) * flow.tokensPerSecond() / maxFlow;
            int lane = colours.classIds().indexOf(flow.classId());
            double offset = FLOW_LANE_PX * (lane + 0.5);
            double arrowLength = Math.max(9, 2.2 * width);
            double tipGap = radius.get(flow.to()) + 2;
            String name = "flow " + flow.from() + "->" + flow.to() + " " + flow.classId();
            Color colour = colours.of(flow.classId());
            PieGeometry.offsetSegment(from.getX(), from.getY(), to.getX(), to.getY(), offset,
                    radius.get(flow.from()) + 2, tipGap + arrowLength - 1, scale).ifPresent(segment -> {
                        drawn.add(segment);
                        XYSeries line = chart.addSeries(name, segment.xs(), segment.ys());
                        line.setLineColor(colour);
                        line.setLineStyle(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
                        hide(line);
                        PieGeometry.Outline head = PieGeometry.arrowHead(from.getX(), from.getY(), to.getX(),
                                to.getY(), offset, tipGap, arrowLength, Math.max(4, 1.1 * width), scale);
                        XYSeries arrow = chart.addSeries(name + " head", head.xs(), head.ys());
                        arrow.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
                        arrow.setFillColor(colour);
                        arrow.setLineColor(colour);
                        hide(arrow);
                    });
        }
        return drawn;
    }

    private static List<ArcFlow> largestFlows(ClearingResult result) {
        return FigureData.keepTop(result.flows(), MAX_FLOWS_DRAWN,
                Comparator.comparingDouble(ArcFlow::tokensPerSecond));
    }

    /** The nodes whose names are written: the busiest, and every node drawn off the map (it needs its name). */
    private static Set<String> namedNodes(Scenario scenario, ClearingResult result, Placement placement) {
        Map<String, Double> totals = FigureData.processedByNode(result);
        Set<String> named = new HashSet<>(placement.unplaced());
        FigureData.keepTop(scenario.nodes().stream().map(ComputeNode::id).toList(), MAX_NAMES_WRITTEN,
                Comparator.comparingDouble((String n) -> totals.getOrDefault(n, 0.0))).forEach(named::add);
        return named;
    }

    private static void drawPies(XYChart chart, Scenario scenario, ClearingResult result, Placement placement,
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
        hide(wedge);
    }

    /**
     * Puts each node's name next to its pie: below, above, right or left, whichever overlaps the
     * names already placed, the pies and the flow lines least, so that close sites stay readable.
     */
    private static void labelNodes(XYChart chart, Scenario scenario, Set<String> named, Placement placement,
            Map<String, Double> radius, List<PieGeometry.Outline> flowLines, PieGeometry.PixelScale scale) {
        Font font = chart.getStyler().getAnnotationTextFont();
        FontRenderContext context = new FontRenderContext(null, true, false);
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

    private static String degrees(double value, String positive, String negative) {
        long rounded = Math.round(value);
        if (Math.abs(value - rounded) > 1e-6) {
            return String.format(Locale.ROOT, "%.1f°%s", Math.abs(value), value < 0 ? negative : positive);
        }
        return rounded == 0 ? "0°" : Math.abs(rounded) + "°" + (rounded < 0 ? negative : positive);
    }

    private static void hide(XYSeries series) {
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(false);
    }

    private static BasicStroke dashed(double width) {
        return new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {9f, 5f}, 0f);
    }

    /**
     * Where each node is drawn: at its longitude and latitude, or, lacking them, in a row under the
     * lowest placed node.
     */
    record Placement(Map<String, Point2D> positions, List<String> unplaced) {

        static Placement of(List<ComputeNode> nodes) {
            Map<String, Point2D> positions = new LinkedHashMap<>();
            List<String> unplaced = new ArrayList<>();
            for (ComputeNode node : nodes) {
                if (node.lat().isPresent() && node.lon().isPresent()) {
                    positions.put(node.id(), new Point2D.Double(node.lon().getAsDouble(), node.lat().getAsDouble()));
                } else {
                    unplaced.add(node.id());
                }
            }
            if (!unplaced.isEmpty()) {
                double minX = positions.values().stream().mapToDouble(Point2D::getX).min().orElse(0);
                double maxX = positions.values().stream().mapToDouble(Point2D::getX).max().orElse(unplaced.size());
                double minY = positions.values().stream().mapToDouble(Point2D::getY).min().orElse(0);
                double maxY = positions.values().stream().mapToDouble(Point2D::getY).max().orElse(0);
                // well below the lowest site, so the row does not pass for a real place
                double rowY = positions.isEmpty() ? 0 : minY - Math.max(3, 0.3 * (maxY - minY));
                double step = (maxX - minX) / (unplaced.size() + 1);
                for (int i = 0; i < unplaced.size(); i++) {
                    double x = positions.isEmpty() ? i : minX + step * (i + 1);
                    positions.put(unplaced.get(i), new Point2D.Double(x, rowY));
                }
            }
            return new Placement(positions, List.copyOf(unplaced));
        }

        Point2D position(String nodeId) {
            Point2D at = positions.get(nodeId);
            if (at == null) {
                throw new IllegalArgumentException("node '" + nodeId + "' is not in the scenario");
            }
            return at;
        }

        double minX() {
            return positions.values().stream().mapToDouble(Point2D::getX).min().orElseThrow();
        }

        double maxX() {
            return positions.values().stream().mapToDouble(Point2D::getX).max().orElseThrow();
        }

        double minY() {
            return positions.values().stream().mapToDouble(Point2D::getY).min().orElseThrow();
        }

        double maxY() {
            return positions.values().stream().mapToDouble(Point2D::getY).max().orElseThrow();
        }

        double spanX() {
            return maxX() - minX();
        }

        double spanY() {
            return maxY() - minY();
        }
    }
}
