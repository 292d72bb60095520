package io.tokenflow.market.solution;

/**
 * How the solver got there; not part of the market outcome (two clears of the same input may differ
 * here and nowhere else).
 *
 * @param solver           {@code glop} or {@code clp}
 * @param iterations       simplex iterations of every solve of this clear (one, or one per pricing round)
 * @param solveMillis      wall time of the clear in the solver and, for END_TO_END path classes, in pricing
 * @param warm             whether the solve started from a previous basis
 * @param pricingRounds    END_TO_END: how many times the pricing problem was solved (the last found no
 *                         column with negative reduced cost); 0 without path classes
 * @param columnsGenerated END_TO_END: path columns this clear added to the LP
 * @param pathColumns      END_TO_END: path columns in the LP after this clear (including the zero-arc ones)
 */
public record SolveStats(String solver, long iterations, double solveMillis, boolean warm, int pricingRounds,
        int columnsGenerated, int pathColumns) {

    /** Statistics of a clear without path classes. */
    public SolveStats(String solver, long iterations, double solveMillis, boolean warm) {
        this(solver, iterations, solveMillis, warm, 0, 0, 0);
    }
}
