package io.tokenflow.market.menu;

/**
 * A tier-menu problem that breaks the menu format's rules. The message starts with the field's JSON path
 * ({@code types[1].share}, {@code value.points[2]}, {@code caps.step}) and names the offending value, so it
 * can be shown to a user as is: the CLI prints it after {@code tokenflow: invalid input:} and exits 2, the
 * oracle answers INVALID_ARGUMENT with it.
 */
public final class InvalidMenuException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidMenuException(String message) {
        super(message);
    }

    /** Doubles as a user wrote them: 2000 rather than 2000.0, 0.078 rather than 7.8E-2. */
    static String format(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
