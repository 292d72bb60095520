package io.tokenflow.market.retail;

import java.util.regex.Pattern;

/** The value rules of the retail format, each failing with the field's path and the value. */
final class GameChecks {
    /** Ids are free text (model names carry slashes and dots) but short and printable. */
    private static final Pattern ID = Pattern.compile("[^\\p{Cntrl}]{1,128}");

    /**
     * The largest magnitude accepted for a rate, price or delay: far above any real market, and far enough
     * below the double range that squares and sums in the equilibrium's solves stay exact to 1e-12.
     */
    static final double MAX_MAGNITUDE = 1e12;

    private GameChecks() {}

    static String id(String field, String value) {
        if (value == null) {
            throw new InvalidGameException(field + " is required");
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidGameException(field + " must be 1 to 128 printable characters, got " + quote(value));
        }
        return value;
    }

    static double finite(String field, double value) {
        if (!Double.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
            throw new InvalidGameException(field + " must be finite and within [-1e12, 1e12], got " + format(value));
        }
        return value;
    }

    static double nonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0 || value > MAX_MAGNITUDE) {
            throw new InvalidGameException(field + " must be finite and within [0, 1e12], got " + format(value));
        }
        return value;
    }

    static double positive(String field, double value) {
        if (!Double.isFinite(value) || value <= 0 || value > MAX_MAGNITUDE) {
            throw new InvalidGameException(field + " must be finite, > 0 and <= 1e12, got " + format(value));
        }
        return value;
    }

    /** Doubles as a user wrote them: 3000000 rather than 3000000.0 or 3.0E6. */
    static String format(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    static String quote(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "…(" + value.length() + " chars)" : value;
        return "'" + shown + "'";
    }
}
