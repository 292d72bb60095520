package io.tokenflow.report.figures;

import java.awt.Color;
import java.awt.geom.Point2D;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The dispatch map's legend: a colour swatch per class and, when a link is congested, the look of a
 * congested link. Each entry is a one-point series, which draws nothing on the map itself.
 */
final class MapLegend {

    private static final Color TRANSPARENT = new Color(0, 0, 0, 0);

    private MapLegend() {}

    /** Adds the legend's series at {@code anchor}, a node's position, so they leave the axis ranges alone. */
    static void add(XYChart chart, ClassColours colours, Point2D anchor, boolean anyCongested) {
        for (String cls : colours.classIds()) {
            XYSeries swatch = chart.addSeries(cls, new double[] {anchor.getX()}, new double[] {anchor.getY()});
            swatch.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
            swatch.setFillColor(colours.of(cls));
            swatch.setLineColor(TRANSPARENT);
            swatch.setMarker(SeriesMarkers.NONE);
        }
        if (anyCongested) {
            XYSeries legend = chart.addSeries("congested link", new double[] {anchor.getX()},
                    new double[] {anchor.getY()});
            legend.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            legend.setLineColor(ClassColours.SATURATED);
            legend.setLineStyle(MapLinks.congestionStroke());
            legend.setMarker(SeriesMarkers.NONE);
        }
    }
}
