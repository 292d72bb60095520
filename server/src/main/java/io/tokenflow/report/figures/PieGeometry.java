package io.tokenflow.report.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pie wedges and offset lines on a map whose axes have different scales: shapes are laid out in
 * pixels and converted to data units with each axis's pixels per unit, so pies stay round.
 */
final class PieGeometry {

    /** Pixels per data unit along x and y of a plot whose axis ranges are fixed. */
    record PixelScale(double perUnitX, double perUnitY) {
        PixelScale {
            if (!(perUnitX > 0) || !(perUnitY > 0)) {
                throw new IllegalArgumentException("pixels per unit must be > 0, got x " + perUnitX + " y "
                        + perUnitY);
            }
        }
    }

    /** One wedge, angles in radians clockwise from twelve o'clock. */
    record Wedge(double startAngle, double endAngle) {}

    /** A closed outline in data units. */
    record Outline(double[] xs, double[] ys) {}

    private static final double STEP_RADIANS = Math.toRadians(3);

    private PieGeometry() {}

    /** Wedges in share order covering the full circle, each angle ∝ its share; zero shares get none. */
    static List<Wedge> wedges(double[] shares) {
        double total = 0;
        for (double share : shares) {
            if (!(share >= 0) || Double.isInfinite(share)) {
                throw new IllegalArgumentException("pie shares must be finite and >= 0, got " + share);
            }
            total += share;
        }
        List<Wedge> wedges = new ArrayList<>();
        if (total <= 0) {
            return wedges;
        }
        double start = 0;
        for (double share : shares) {
            if (share > 0) {
                double end = start + 2 * Math.PI * share / total;
                wedges.add(new Wedge(start, end));
                start = end;
            }
        }
        return wedges;
    }

    /** The wedge as a polygon (centre, then the arc) around a data-unit centre, radius in pixels. */
    static Outline wedgeOutline(double centreX, double centreY, double radiusPx, Wedge wedge, PixelScale scale) {
        int steps = Math.max(2, (int) Math.ceil((wedge.endAngle() - wedge.startAngle()) / STEP_RADIANS));
        boolean full = wedge.endAngle() - wedge.startAngle() >= 2 * Math.PI - 1e-9;
        int points = steps + 1 + (full ? 0 : 1);
        double[] xs = new double[points];
        double[] ys = new double[points];
        int i = 0;
        if (!full) {
            xs[i] = centreX;
            ys[i] = centreY;
            i++;
        }
        for (int s = 0; s <= steps; s++, i++) {
            double angle = wedge.startAngle() + (wedge.endAngle() - wedge.startAngle()) * s / steps;
            xs[i] = centreX + radiusPx * Math.sin(angle) / scale.perUnitX();
            ys[i] = centreY + radiusPx * Math.cos(angle) / scale.perUnitY();
        }
        return new Outline(xs, ys);
    }

    /**
     * A segment from one node to another, moved sideways to the right of the travel direction by
     * {@code offsetPx} and shortened at each end by the given pixels, in data units; empty when the
     * nodes are too close to leave anything.
     */
    static Optional<Outline> offsetSegment(double fromX, double fromY, double toX, double toY,
            double offsetPx, double trimStartPx, double trimEndPx, PixelScale scale) {
        double dx = (toX - fromX) * scale.perUnitX();
        double dy = (toY - fromY) * scale.perUnitY();
        double length = Math.hypot(dx, dy);
        if (length <= trimStartPx + trimEndPx + 1) {
            return Optional.empty();
        }
        double ux = dx / length;
        double uy = dy / length;
        // right-hand normal of (ux, uy) with y pointing up
        double nx = uy;
        double ny = -ux;
        double startX = ux * trimStartPx + nx * offsetPx;
        double startY = uy * trimStartPx + ny * offsetPx;
        double endX = dx - ux * trimEndPx + nx * offsetPx;
        double endY = dy - uy * trimEndPx + ny * offsetPx;
        return Optional.of(new Outline(
                new double[] {fromX + startX / scale.perUnitX(), fromX + endX / scale.perUnitX()},
                new double[] {fromY + startY / scale.perUnitY(), fromY + endY / scale.perUnitY()}));
    }

    /**
     * A triangle pointing from {@code (fromX, fromY)} towards {@code (toX, toY)} with its tip
     * {@code tipGapPx} short of the target, moved sideways like {@link #offsetSegment}.
     */
    static Outline arrowHead(double fromX, double fromY, double toX, double toY, double offsetPx,
            double tipGapPx, double lengthPx, double halfWidthPx, PixelScale scale) {
        double dx = (toX - fromX) * scale.perUnitX();
        double dy = (toY - fromY) * scale.perUnitY();
        double length = Math.hypot(dx, dy);
        double ux = length == 0 ? 1 : dx / length;
        double uy = length == 0 ? 0 : dy / length;
        double nx = uy;
        double ny = -ux;
        double tipX = dx - ux * tipGapPx + nx * offsetPx;
        double tipY = dy - uy * tipGapPx + ny * offsetPx;
        double baseX = tipX - ux * lengthPx;
        double baseY = tipY - uy * lengthPx;
        double[] px = {tipX, baseX + nx * halfWidthPx, baseX - nx * halfWidthPx, tipX};
        double[] py = {tipY, baseY + ny * halfWidthPx, baseY - ny * halfWidthPx, tipY};
        double[] xs = new double[4];
        double[] ys = new double[4];
        for (int i = 0; i < 4; i++) {
            xs[i] = fromX + px[i] / scale.perUnitX();
            ys[i] = fromY + py[i] / scale.perUnitY();
        }
        return new Outline(xs, ys);
    }
}
