package io.tokenflow.market.solution;

/** Outcome of one clearing. */
public enum ClearingStatus {
    /** Cleared at least cost; prices, dispatch and settlement are reported. */
    OPTIMAL,
    /** Must-serve demand cannot be met; the result carries a {@link Diagnosis} instead of prices. */
    INFEASIBLE
}
