package io.tokenflow.market.clearing;

/**
 * What a solver returned for a {@link LinearProgram}, indexed like its columns and rows.
 *
 * @param status        the solver's verdict
 * @param objective     Σ cost·x at the solution (LP units: $/s)
 * @param primal        column values
 * @param rowDuals      ∂objective/∂row bound, in the model's own sense (OR-Tools convention); reduced
 *                      costs are not read: the engine derives μ from π (see PriceDecomposer)
 * @param iterations    simplex iterations this solve took (small on a warm start)
 * @param wallNanos     time spent in the solver call
 */
record LpSolution(
        LpStatus status,
        double objective,
        double[] primal,
        double[] rowDuals,
        long iterations,
        long wallNanos) {

    enum LpStatus { OPTIMAL, INFEASIBLE, UNBOUNDED, ABNORMAL, NOT_SOLVED }
}
