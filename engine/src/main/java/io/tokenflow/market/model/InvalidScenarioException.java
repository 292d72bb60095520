package io.tokenflow.market.model;

/**
 * A scenario, or an update to one, that breaks the v1 format's rules. The message names the
 * field, the id it belongs to and the offending value, so that it can be shown to a user as is.
 */
public final class InvalidScenarioException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidScenarioException(String message) {
        super(message);
    }

    /** The same problem, located more precisely (for example by a JSON path) in front. */
    public InvalidScenarioException within(String location) {
        return new InvalidScenarioException(location + ": " + getMessage());
    }
}
