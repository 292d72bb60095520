package io.tokenflow.report.figures;

import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * The dispatch map's projection: longitude and latitude axes fitted around the placed nodes, and
 * the pixels per degree that pies, arrows and names are laid out with.
 */
final class MapAxes {

    private static final double MAX_DISTORTION = 1.4;

    private MapAxes() {}

    /** Titles the axes and writes their ticks as degrees east/west and north/south. */
    static void label(XYChart chart) {
        chart.setXAxisTitle("longitude");
        chart.setYAxisTitle("latitude");
        chart.setCustomXAxisTickLabelsFormatter(lon -> degrees(lon, "E", "W"));
        chart.setCustomYAxisTickLabelsFormatter(lat -> degrees(lat, "N", "S"));
    }

    /**
     * Sets the axis ranges around the nodes and measures the plot's pixels per degree. A degree of
     * longitude should look cos(latitude) as long as one of latitude; the ranges are widened only
     * where the plot's shape would distort that by more than {@link #MAX_DISTORTION}, since a map
     * that fills the plot reads better than an exact one.
     */
    static PieGeometry.PixelScale fit(XYChart chart, MapPlacement placement) {
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

    private static String degrees(double value, String positive, String negative) {
        long rounded = Math.round(value);
        if (Math.abs(value - rounded) > 1e-6) {
            return String.format(Locale.ROOT, "%.1f°%s", Math.abs(value), value < 0 ? negative : positive);
        }
        return rounded == 0 ? "0°" : Math.abs(rounded) + "°" + (rounded < 0 ? negative : positive);
    }
}
