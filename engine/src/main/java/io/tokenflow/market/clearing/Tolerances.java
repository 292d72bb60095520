package io.tokenflow.market.clearing;

/**
 * The numeric thresholds that turn a floating-point LP solution into market statements ("this flow
 * is active", "this rent is positive"). GLOP and CLP solve to about 1e-9 in these LP units.
 */
final class Tolerances {
    /** A rate above this (M tokens/s, i.e. 0.1 tokens/s) is activity: a flow, processing, unserved demand. */
    static final double ACTIVE_RATE = 1e-7;
    /** A rate below this (M tokens/s) is reported as exactly 0. */
    static final double ZERO_RATE = 1e-9;
    /** A price or rent (in $/M tokens or $/GB) below this is reported as exactly 0. */
    static final double ZERO_PRICE = 1e-10;

    private Tolerances() {}

    /** Whether a dual constraint is tight: |slack| within 1e-7 relative to the price. */
    static boolean tight(double slack, double price) {
        return Math.abs(slack) <= 1e-7 * Math.max(1.0, Math.abs(price));
    }

    static double cleanRate(double value) {
        return Math.abs(value) < ZERO_RATE ? 0.0 : value;
    }

    static double cleanPrice(double value) {
        return Math.abs(value) < ZERO_PRICE ? 0.0 : value;
    }
}
