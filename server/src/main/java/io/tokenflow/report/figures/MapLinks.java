package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import java.awt.BasicStroke;
import java.awt.geom.Point2D;
import java.util.HashSet;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The dispatch map's links: a thin grey line per connected pair of nodes, and a red dashed line
 * beside each congested direction.
 */
final class MapLinks {

    private static final double CONGESTION_WIDTH_PX = 3;

    private MapLinks() {}

    /** The directed links, as {@code from->to}, that earn a congestion rent or are full. */
    static Set<String> congestedArcs(ClearingResult result) {
        Set<String> arcs = new HashSet<>();
        for (LinkState link : result.links()) {
            if (link.congestionRent() > 0 || link.utilization() >= MarketIndicators.SATURATION) {
                arcs.add(link.from() + "->" + link.to());
            }
        }
        return arcs;
    }

    static void draw(XYChart chart, Scenario scenario, MapPlacement placement, Set<String> congested,
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
                FigureStyle.unlisted(line);
            }
            if (congested.contains(link.label())) {
                // outside the flow lanes of this direction, so flows never hide it
                double offset = MapFlows.LANE_PX * (classCount + 0.5) + CONGESTION_WIDTH_PX;
                PieGeometry.offsetSegment(from.getX(), from.getY(), to.getX(), to.getY(), offset, 0, 0, scale)
                        .ifPresent(segment -> {
                            XYSeries line = chart.addSeries("congested " + link.label(), segment.xs(), segment.ys());
                            line.setLineColor(ClassColours.SATURATED);
                            line.setLineStyle(congestionStroke());
                            FigureStyle.unlisted(line);
                        });
            }
        }
    }

    /** The dashed stroke of a congested link, on the map and in the legend. */
    static BasicStroke congestionStroke() {
        return new BasicStroke((float) CONGESTION_WIDTH_PX, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {9f, 5f}, 0f);
    }
}
