package io.tokenflow.market.solution;

/**
 * How the solver got there; not part of the market outcome (two clears of the same input may differ
 * here and nowhere else).
 *
 * @param solver      {@code glop} or {@code clp}
 * @param iterations  simplex iterations of the final solve
 * @param solveMillis wall time in the solver
 * @param warm        whether the solve started from a previous basis
 */
public record SolveStats(String solver, long iterations, double solveMillis, boolean warm) {}
