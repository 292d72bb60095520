package io.tokenflow.service;

/**
 * A re-clear did not produce a market: the solver failed, ran over its limit, or the circuit breaker
 * refused to run it. The inputs stay accepted and the next attempt clears them.
 */
public final class ReclearFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Metric tag and log word for each way a re-clear fails. */
    public enum Reason { TIMEOUT, SOLVER, BREAKER_OPEN }

    private final Reason reason;

    ReclearFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
