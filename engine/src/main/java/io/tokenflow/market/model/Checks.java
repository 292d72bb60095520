package io.tokenflow.market.model;

import java.util.regex.Pattern;

/** The value rules of the v1 scenario format, each failing with the subject, field and value. */
final class Checks {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private Checks() {}

    static String id(String subject, String field, String value) {
        if (value == null) {
            throw new InvalidScenarioException(subject + field + " is required");
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidScenarioException(subject + field + " must match [a-z0-9][a-z0-9_-]*, got "
                    + quote(value));
        }
        return value;
    }

    /**
     * The largest rate, capacity, price or cost accepted: far above any real market (10^12 tokens/s, Gbps,
     * $), and far enough below the double range that the LP stays numerically sound (a capacity of 1e308
     * made GLOP stop ABNORMAL).
     */
    static final double MAX_MAGNITUDE = 1e12;

    /** Finite and ≥ 0: rates, capacities, prices, costs. */
    static double nonNegative(String subject, String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new InvalidScenarioException(subject + field + " must be finite and >= 0, got " + format(value));
        }
        if (value > MAX_MAGNITUDE) {
            throw new InvalidScenarioException(subject + field + " must be <= 1e12, got " + format(value));
        }
        return value;
    }

    static double within(String subject, String field, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new InvalidScenarioException(subject + field + " must be finite and within [" + format(min)
                    + ", " + format(max) + "], got " + format(value));
        }
        return value;
    }

    /** Doubles as a user wrote them: 3000000 rather than 3000000.0 or 3.0E6. */
    static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    static String quote(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "…(" + value.length() + " chars)" : value;
        return "'" + shown + "'";
    }
}
