package io.tokenflow.market.menu;

/**
 * The token caps a platform may offer: min, min + step, ..., up to max (the last point is the largest
 * min + k·step ≤ max). Buying nothing (cap 0, price 0) is always open besides, also when min > 0; a grid
 * point at 0 is that same option, not a tier.
 *
 * @param min  the smallest cap, tokens per request, ≥ 0
 * @param max  the largest cap, ≥ min and ≤ 10^12
 * @param step the distance between caps, ≥ 1 token
 */
public record CapGrid(long min, long max, long step) {

    /** The most grid points a problem may have (the menu format's limit). */
    public static final int MAX_POINTS = 1_000_000;

    public CapGrid {
        if (min < 0) {
            throw new InvalidMenuException("caps.min must be >= 0 tokens, got " + min);
        }
        if (step < 1) {
            throw new InvalidMenuException("caps.step must be >= 1 token, got " + step);
        }
        if (max > (long) ValueCurve.MAX_TOKENS) {
            throw new InvalidMenuException("caps.max must be <= 1e12 tokens, got " + max);
        }
        if (max < min) {
            throw new InvalidMenuException("caps: the grid is empty, max " + max + " is below min " + min);
        }
        long points = (max - min) / step + 1;
        if (points > MAX_POINTS) {
            throw new InvalidMenuException("caps: the grid has " + points + " points (min " + min + ", max " + max
                    + ", step " + step + "), more than the limit of 1000000; raise caps.step or narrow [min, max]");
        }
    }

    /** How many caps the grid holds (a point at 0 included). */
    public int size() {
        return (int) ((max - min) / step + 1);
    }

    /** The {@code i}-th cap, 0-based. */
    public long cap(int i) {
        return min + i * step;
    }
}
