package io.tokenflow.market.retail;

/**
 * A retail game, calibration input or option that breaks the retail format's rules (docs/retail.md). The
 * message names the field by its JSON path and the offending value, so it can be shown to a user as is.
 */
public final class InvalidGameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidGameException(String message) {
        super(message);
    }

    /** The same problem with a location (a JSON path, a request field) in front. */
    public InvalidGameException within(String location) {
        return new InvalidGameException(location + getMessage());
    }
}
