package io.tokenflow.report.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** The look every report figure shares: fonts big enough to read in a browser, light grid, white plot. */
final class FigureStyle {

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
}
