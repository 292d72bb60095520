package io.tokenflow.report.figures;

import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;

/**
 * The dispatch map's flow arrows: one per arc flow, in its class's colour and lane to the right of
 * its direction, width ∝ tokens/s, running from pie edge to pie edge.
 */
final class MapFlows {

    /** Sideways spacing of the classes' lanes along one direction of a link. */
    static final double LANE_PX = 6;

    private static final double MIN_WIDTH_PX = 1.5;
    private static final double MAX_WIDTH_PX = 7;

    private MapFlows() {}

    /** Draws the largest arc flows; returns the lines drawn, which the node names should keep off. */
    static List<PieGeometry.Outline> draw(XYChart chart, ClearingResult result, MapPlacement placement,
            Map<String, Double> radius, ClassColours colours, PieGeometry.PixelScale scale) {
        List<PieGeometry.Outline> drawn = new ArrayList<>();
        double maxFlow = result.flows().stream().mapToDouble(ArcFlow::tokensPerSecond).max().orElse(0);
        for (ArcFlow flow : largest(result)) {
            Point2D from = placement.position(flow.from());
            Point2D to = placement.position(flow.to());
            double width = MIN_WIDTH_PX + (MAX_WIDTH_PX - MIN_WIDTH_PX) * flow.tokensPerSecond() / maxFlow;
            int lane = colours.classIds().indexOf(flow.classId());
            double offset = LANE_PX * (lane + 0.5);
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
                        FigureStyle.unlisted(line);
                        PieGeometry.Outline head = PieGeometry.arrowHead(from.getX(), from.getY(), to.getX(),
                                to.getY(), offset, tipGap, arrowLength, Math.max(4, 1.1 * width), scale);
                        XYSeries arrow = chart.addSeries(name + " head", head.xs(), head.ys());
                        arrow.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
                        arrow.setFillColor(colour);
                        arrow.setLineColor(colour);
                        FigureStyle.unlisted(arrow);
                    });
        }
        return drawn;
    }

    private static List<ArcFlow> largest(ClearingResult result) {
        return FigureData.keepTop(result.flows(), DispatchMap.MAX_FLOWS_DRAWN,
                Comparator.comparingDouble(ArcFlow::tokensPerSecond));
    }
}
