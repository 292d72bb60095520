package io.tokenflow.report.figures;

import java.util.Locale;
import java.util.regex.Pattern;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One figure of the report: a chart with the words that go around it.
 *
 * @param fileStem the file name without extension, {@code [a-z0-9][a-z0-9-]*}; the PNG and SVG share it
 * @param title    the heading to print above the figure
 * @param caption  what the figure shows and how to read it
 * @param chart    the XChart chart, sized as it is to be written
 */
public record Figure(String fileStem, String title, String caption, Chart<?, ?> chart) {

    private static final Pattern STEM = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public Figure {
        if (fileStem == null || !STEM.matcher(fileStem).matches()) {
            throw new IllegalArgumentException("figure file stem must match " + STEM + ", got '" + fileStem + "'");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("figure '" + fileStem + "' needs a title, got '" + title + "'");
        }
        if (caption == null) {
            throw new IllegalArgumentException("figure '" + fileStem + "' caption must not be null");
        }
        if (chart == null) {
            throw new IllegalArgumentException("figure '" + fileStem + "' chart must not be null");
        }
    }

    public int width() {
        return chart.getWidth();
    }

    public int height() {
        return chart.getHeight();
    }

    /** A stem part from an id: ids may hold {@code _}, stems may not. */
    static String stemPart(String id) {
        return id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }
}
