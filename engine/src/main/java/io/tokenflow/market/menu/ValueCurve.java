package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.List;

/**
 * v(T), the share of a request's value delivered with a cap of T tokens: v(0) = 0, non-decreasing,
 * concave, at most 1. Concavity is what makes a cap grid searchable (a type group's profit
 * {@code A·v(T) − F·c·T} is concave in T) and non-decreasing what makes a larger cap worth more to every
 * type (single crossing). Immutable.
 */
public sealed interface ValueCurve permits ValueCurve.Saturating, ValueCurve.Points {

    /** v(T) for a cap of {@code tokens} ≥ 0. */
    double value(double tokens);

    /**
     * v(to) − v(from) for 0 ≤ from ≤ to, computed so that rounding does not swamp small steps far out on a
     * flat curve (the prices and the grid search both live on these differences).
     */
    double increment(double from, double to);

    /** The largest token count a curve may name: far beyond any request, exact in a double. */
    double MAX_TOKENS = 1e12;

    /**
     * v(T) = 1 − exp(−T / s): each token adds a fixed fraction of the value still missing.
     *
     * @param scaleTokens s, the cap at which 63 % of the value is delivered; in (0, 1e12]
     */
    record Saturating(double scaleTokens) implements ValueCurve {
        public Saturating {
            if (!Double.isFinite(scaleTokens) || scaleTokens <= 0 || scaleTokens > MAX_TOKENS) {
                throw new InvalidMenuException("value.scaleTokens must be > 0 and <= 1e12 tokens, got "
                        + InvalidMenuException.format(scaleTokens));
            }
        }

        @Override
        public double value(double tokens) {
            return -Math.expm1(-tokens / scaleTokens);
        }

        @Override
        public double increment(double from, double to) {
            // exp(-a/s) - exp(-b/s) = exp(-a/s) (1 - exp(-(b-a)/s)): no cancellation of two numbers near 1
            return Math.exp(-from / scaleTokens) * -Math.expm1(-(to - from) / scaleTokens);
        }
    }

    /**
     * The piecewise-linear curve through {@code points} from an implied [0, 0]; beyond the last point v
     * stays at its last value.
     *
     * @param points token counts strictly increasing and > 0, values in [0, 1], non-decreasing, with
     *               slopes that never rise (concave)
     */
    record Points(List<Point> points) implements ValueCurve {

        /** One point [T, v] of the curve. */
        public record Point(double tokens, double value) {}

        /**
         * Relative slack in the concavity check: points typed as decimals on one straight line have
         * slopes that differ in the last bits, which is no bend.
         */
        private static final double COLLINEAR = 1e-9;

        public Points {
            if (points == null || points.isEmpty()) {
                throw new InvalidMenuException("value.points must hold at least one [tokens, v] point, got none");
            }
            List<Point> kept = new ArrayList<>(points.size());
            double lastT = 0;
            double lastV = 0;
            double lastSlope = Double.POSITIVE_INFINITY;
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                String at = "value.points[" + i + "]";
                if (p == null) {
                    throw new InvalidMenuException(at + " must be a [tokens, v] pair, got nothing");
                }
                double t = p.tokens();
                double v = p.value();
                if (!Double.isFinite(t) || t < 0 || t > MAX_TOKENS) {
                    throw new InvalidMenuException(at + ": tokens must be within [0, 1e12], got "
                            + InvalidMenuException.format(t));
                }
                if (!Double.isFinite(v) || v < 0 || v > 1) {
                    throw new InvalidMenuException(at + ": v must be within [0, 1], got " + InvalidMenuException.format(v));
                }
                if (t == 0) {
                    // [0, 0] may be written out; any other value at 0 contradicts v(0) = 0
                    if (i != 0 || v != 0) {
                        throw new InvalidMenuException(at + ": only [0, 0] may sit at 0 tokens (the curve starts at "
                                + "[0, 0]), got [0, " + InvalidMenuException.format(v) + "]");
                    }
                    continue;
                }
                if (t <= lastT) {
                    throw new InvalidMenuException(at + ": tokens must increase, got " + InvalidMenuException.format(t)
                            + " after " + InvalidMenuException.format(lastT));
                }
                if (v < lastV) {
                    throw new InvalidMenuException(at + ": the curve decreases, v " + InvalidMenuException.format(v)
                            + " after " + InvalidMenuException.format(lastV) + " (v must be non-decreasing)");
                }
                double slope = (v - lastV) / (t - lastT);
                if (slope > lastSlope * (1 + COLLINEAR)) {
                    throw new InvalidMenuException(at + ": the curve is not concave, its slope rises to "
                            + slope + " per token after " + lastSlope + " (each segment must be no steeper than "
                            + "the one before, starting from [0, 0])");
                }
                kept.add(p);
                lastT = t;
                lastV = v;
                lastSlope = slope;
            }
            if (kept.isEmpty()) {
                throw new InvalidMenuException("value.points must hold a point beyond [0, 0], got only [0, 0]");
            }
            points = List.copyOf(kept);
        }

        @Override
        public double value(double tokens) {
            if (tokens <= 0) {
                return 0;
            }
            int lo = 0;
            int hi = points.size() - 1;
            if (tokens >= points.get(hi).tokens()) {
                return points.get(hi).value();
            }
            // the first point at or beyond tokens
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (points.get(mid).tokens() < tokens) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            Point right = points.get(lo);
            double leftT = lo == 0 ? 0 : points.get(lo - 1).tokens();
            double leftV = lo == 0 ? 0 : points.get(lo - 1).value();
            return leftV + (right.value() - leftV) * (tokens - leftT) / (right.tokens() - leftT);
        }

        @Override
        public double increment(double from, double to) {
            return value(to) - value(from);
        }
    }
}
