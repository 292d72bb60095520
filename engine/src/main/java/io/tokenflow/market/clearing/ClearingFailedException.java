package io.tokenflow.market.clearing;

/**
 * The solver returned neither an optimum nor a proof of infeasibility (time limit, numerical
 * trouble). The market inputs were valid; the clearing can be retried.
 */
public final class ClearingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClearingFailedException(String message) {
        super(message);
    }
}
