package io.tokenflow.report.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The look every report figure shares: its size, fonts big enough to read in a browser, light grid,
 * white plot, bar labels that stay apart and axis labels that stay short.
 */
final class FigureStyle {

    /** Size of every figure but the dispatch map. */
    static final int WIDTH = 1000;
    static final int HEIGHT = 620;

    /** Bar labels are turned when, side by side, they would need more than the plot's width. */
    private static final double LABEL_CHAR_WIDTH_PX = 7;
    private static final double LEVEL_LABELS_WIDTH_PX = 760;
    private static final int SLANTED_LABELS_MAX = 12;

    static final Color GRID = new Color(0xE3E3E3);
    static final Color LINK = new Color(0xCFCFCF);
    static final Color TEXT = new Color(0x222222);

    private FigureStyle() {}

    static <S extends AxesChartStyler> S apply(S styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0xBBBBBB));
        styler.setPlotGridLinesColor(GRID);
        styler.setPlotGridLinesStroke(new BasicStroke(1f));
        styler.setChartFontColor(TEXT);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setChartTitleBoxVisible(false);
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setLegendBorderColor(new Color(0xCCCCCC));
        styler.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAnnotationTextFontColor(TEXT);
        styler.setChartPadding(12);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLocale(java.util.Locale.ROOT);
        return styler;
    }

    /** The shared look for bars, with the category labels turned when they would run into each other. */
    static CategoryStyler categoryStyle(CategoryChart chart, List<String> labels) {
        CategoryStyler styler = apply(chart.getStyler());
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setAvailableSpaceFill(0.7);
        styler.setOverlapped(false);
        int longest = labels.stream().mapToInt(String::length).max().orElse(0);
        if (labels.size() * longest * LABEL_CHAR_WIDTH_PX > LEVEL_LABELS_WIDTH_PX) {
            // past a dozen bars even slanted labels run into each other; upright ones do not
            styler.setXAxisLabelRotation(labels.size() > SLANTED_LABELS_MAX ? 90 : 45);
            styler.setXAxisLabelAlignmentVertical(AxesChartStyler.TextAlignment.Right);
        }
        return styler;
    }

    /** Makes a series part of the drawing only: no markers, no legend entry. */
    static void unlisted(XYSeries series) {
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(false);
    }

    /** {@code $950}, {@code $12k}, {@code $6.5M}: axis labels short enough to read. */
    static String dollars(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e6) {
            return "$" + threeDigits(value / 1e6) + "M";
        }
        if (magnitude >= 1e3) {
            return "$" + threeDigits(value / 1e3) + "k";
        }
        return "$" + threeDigits(value);
    }

    /** A value to three significant digits, without trailing zeros. */
    static String threeDigits(double value) {
        return value == 0 ? "0"
                : new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
