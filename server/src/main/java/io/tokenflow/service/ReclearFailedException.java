package io.tokenflow.service;

/**
 * A re-clear did not produce a market: the solver failed, ran over its limit, the circuit breaker
 * refused to run it, or the market record could not keep the version it cleared. The inputs stay accepted and the next attempt clears them.
 */
public final class ReclearFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Metric tag and log word for each way a re-clear fails. */
    public enum Reason {
        TIMEOUT, SOLVER, BREAKER_OPEN,
        /** The version could not be written to the market record (serve --data-dir), so it is not published. */
        RECORD
    }

    private final Reason reason;

    ReclearFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
