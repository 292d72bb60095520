package io.tokenflow.market.clearing;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.SolveStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A market kept ready to re-clear: the scenario, its LP and a live solver. Updates (capacity,
 * demand, electricity price, link capacity) change bounds and costs of the LP in place, so the
 * next {@link #clear()} starts from the previous basis (a warm start: a few simplex iterations
 * instead of thousands on large networks).
 *
 * <p>The LP's structure (nodes, classes, links, latency limits, bandwidth model) is fixed for the
 * life of an instance; open a new one when that changes.
 *
 * <p>With END_TO_END classes the LP keeps every path column it ever generated, so that re-clears reuse
 * them; a long-lived market would grow without bound, so once the pool passes
 * {@link #compactionThreshold} the next clear starts from a fresh LP holding only the paths that carried
 * tokens in the last optimum (column generation adds back whatever the new optimum needs: the result is
 * as exact as any other, only that one clear is cold).
 *
 * <p>Not thread-safe: one thread (the oracle's re-clear worker) owns an instance. Holds native
 * solver memory until {@link #close()}.
 */
public final class MarketClearing implements AutoCloseable {
    /** The pool may hold this many generated paths beyond twice those of its last fresh LP before compaction. */
    static final int COMPACTION_SLACK = 2_000;

    private final SolverKind solverKind;
    private LpLayout layout;
    private LpNames names;
    private OrToolsLpSolver solver;
    /** Generated (non-zero-arc) paths above which the LP is rebuilt; recomputed after each fresh LP's clear. */
    private int compactionThreshold = -1;
    private int compactionFactor = 2;
    private int compactionSlack = COMPACTION_SLACK;
    /** Set when over the threshold: the paths carrying tokens in the last optimum, seeds of the next LP. */
    private List<TokenFlowFormulation.PathSpec> compactTo;
    private int compactions;
    private Scenario scenario;
    private Coefficients coefficients;
    private boolean warm;
    private Duration timeLimit;

    private MarketClearing(Scenario scenario, SolverKind solverKind) {
        this.solverKind = solverKind;
        this.scenario = scenario;
        this.coefficients = new Coefficients(scenario);
        load(List.of());
    }

    /** Formulates the LP of the current scenario with {@code seeds} as its first paths, into a new solver. */
    private void load(List<TokenFlowFormulation.PathSpec> seeds) {
        TokenFlowFormulation.Formulated formulated = TokenFlowFormulation.formulate(scenario, coefficients,
                TokenFlowFormulation.Goal.OPERATING_COST, seeds);
        this.layout = formulated.layout();
        this.names = formulated.names();
        this.solver = new OrToolsLpSolver(formulated.lp(), solverKind);
        if (timeLimit != null) {
            solver.setTimeLimitMillis(timeLimit.toMillis());
        }
        if (coefficients.anyPathClass()) {
            solver.keepBasisAcrossNewColumns();
        }
        compactionThreshold = -1;
        warm = false;
    }

    /** Replaces the LP with a fresh one seeded by the paths of the last optimum (see the class comment). */
    private void compact() {
        List<TokenFlowFormulation.PathSpec> seeds = compactTo;
        compactTo = null;
        OrToolsLpSolver old = solver;
        load(seeds);
        old.close();
        compactions++;
    }

    /** After an optimal clear: fixes the threshold of a fresh LP, or marks the pool for compaction. */
    private void checkPool(LpSolution solution) {
        int generated = generatedPaths();
        if (compactionThreshold < 0) {
            compactionThreshold = compactionFactor * generated + compactionSlack;
        } else if (generated > compactionThreshold) {
            List<TokenFlowFormulation.PathSpec> carrying = new ArrayList<>();
            for (LpLayout.PathColumn p : layout.paths) {
                if (p.arcs().length > 0 && solution.primal()[p.column()] > 0) {
                    carrying.add(new TokenFlowFormulation.PathSpec(p.k(), p.nodes(), p.arcs()));
                }
            }
            compactTo = carrying;
        }
    }

    private int generatedPaths() {
        int n = 0;
        for (LpLayout.PathColumn p : layout.paths) {
            if (p.arcs().length > 0) {
                n++;
            }
        }
        return n;
    }

    /** How many times the LP was rebuilt to drop unused paths (tests, metrics). */
    public int compactions() {
        return compactions;
    }

    /** Test hook: compact past {@code factor} x the fresh LP's paths + {@code slack}, within a test's few re-clears. */
    void setCompactionPolicy(int factor, int slack) {
        this.compactionFactor = factor;
        this.compactionSlack = slack;
        this.compactionThreshold = -1;
    }

    /** Formulates the scenario's LP and loads it into a new solver (not yet solved). */
    public static MarketClearing open(Scenario scenario, SolverKind solverKind) {
        return new MarketClearing(scenario, solverKind);
    }

    /** Clears a scenario once, cold, and frees the solver. */
    public static ClearingResult clearOnce(Scenario scenario, SolverKind solverKind) {
        try (MarketClearing market = open(scenario, solverKind)) {
            return market.clear();
        }
    }

    /** The inputs the next clear will use, with every applied update. */
    public Scenario scenario() {
        return scenario;
    }

    public SolverKind solverKind() {
        return solverKind;
    }

    /**
     * Applies updates all-or-nothing: each is validated against the scenario as changed by the ones
     * before it; if any fails (unknown id, invalid value) none is applied and the exception says which.
     */
    public void apply(List<? extends MarketUpdate> updates) {
        Scenario updated = scenario.withUpdates(updates);
        Coefficients next = new Coefficients(updated);
        pushChanges(coefficients, next);
        scenario = updated;
        coefficients = next;
    }

    /** Writes into the live LP every bound and cost that differs, and nothing else (keeps the basis). */
    private void pushChanges(Coefficients before, Coefficients after) {
        for (int j = 0; j < after.nodeCount; j++) {
            for (int k = 0; k < after.classCount; k++) {
                int x = layout.processing[j][k];
                if (before.capacity[j][k] != after.capacity[j][k]) {
                    solver.setColumnBounds(x, 0, after.capacity[j][k]);
                }
                if (before.processingCost[j][k] != after.processingCost[j][k]) {
                    solver.setObjectiveCoefficient(x, after.processingCost[j][k]);
                }
                if (before.demand[j][k] != after.demand[j][k]) {
                    double d = after.demand[j][k];
                    solver.setRowBounds(layout.balance[j][k], d, d);
                }
            }
        }
        for (int a = 0; a < after.linkCount; a++) {
            if (before.linkCapacity[a] != after.linkCapacity[a]) {
                solver.setRowBounds(layout.linkRow[a], Double.NEGATIVE_INFINITY, after.linkCapacity[a]);
            }
        }
    }

    /**
     * Solves the LP as it stands (warm after the first solve) and reads the market out of it.
     * INFEASIBLE must-serve demand gives a result with a diagnosis, not an exception.
     *
     * <p>With path classes (END_TO_END limits) the LP holds only the paths generated so far (a restricted
     * LP, kept across re-clears): {@link ColumnGeneration} adds paths until none has a negative reduced
     * cost. If the restricted LP is infeasible, phase 1 (the least-shortfall LP, with the same column
     * generation) decides: a shortfall of 0 gives the paths that make it feasible, which are added
     * here; a positive one proves the market INFEASIBLE.
     *
     * @throws ClearingFailedException if the solver stops without an answer (time limit, numerics)
     */
    public ClearingResult clear() {
        if (compactTo != null) {
            compact();
        }
        boolean startedWarm = warm;
        int pathsBefore = layout.paths.size();
        long start = System.nanoTime();
        LpSolution solution = solver.solve();
        warm = true;
        long iterations = solution.iterations();
        int rounds = 0;
        if (coefficients.anyPathClass()) {
            if (solution.status() == LpSolution.LpStatus.INFEASIBLE) {
                ShortfallDiagnoser.Outcome phase1 = ShortfallDiagnoser.diagnose(scenario, coefficients, solverKind,
                        timeLimit, seeds());
                if (!phase1.diagnosis().shortfalls().isEmpty()) {
                    return phase1.dispatch().infeasible(phase1.diagnosis(), stats(solution, startedWarm, iterations,
                            System.nanoTime() - start, phase1.rounds(), pathsBefore));
                }
                adoptPaths(phase1.usedPaths());
                solution = solver.solve();
                iterations += solution.iterations();
                if (solution.status() == LpSolution.LpStatus.INFEASIBLE) {
                    solver.forgetBasis();
                    solution = solver.solve();
                    iterations += solution.iterations();
                }
            }
            ColumnGeneration.Outcome generated = ColumnGeneration.run(solver, coefficients, layout, names,
                    TokenFlowFormulation.Goal.OPERATING_COST, solution);
            iterations += generated.iterations() - solution.iterations(); // the first solve is counted already
            solution = generated.solution();
            rounds = generated.rounds();
        }
        if (solution.status() == LpSolution.LpStatus.OPTIMAL) {
            ClearingResult result = new ResultAssembler(scenario, coefficients, layout, solution)
                    .optimal(stats(solution, startedWarm, iterations, System.nanoTime() - start, rounds, pathsBefore));
            if (coefficients.anyPathClass()) {
                checkPool(solution);
            }
            return result;
        }
        if (solution.status() != LpSolution.LpStatus.INFEASIBLE || coefficients.anyPathClass()) {
            warm = false;
            solver.forgetBasis();
            throw new ClearingFailedException(solverKind + " stopped with status " + solution.status()
                    + " after " + solution.iterations() + " iterations");
        }
        ShortfallDiagnoser.Outcome outcome = ShortfallDiagnoser.diagnose(scenario, coefficients, solverKind, timeLimit,
                List.of());
        if (outcome.diagnosis().shortfalls().isEmpty() && startedWarm) {
            // the warm basis called it infeasible but nothing is short: settle it with a cold solve
            solver.forgetBasis();
            warm = false;
            return clear();
        }
        return outcome.dispatch().infeasible(outcome.diagnosis(), stats(solution, startedWarm, iterations,
                System.nanoTime() - start, 0, pathsBefore));
    }

    /** The live LP's generated paths (not the zero-arc ones), as seeds for a phase-1 LP. */
    private List<TokenFlowFormulation.PathSpec> seeds() {
        List<TokenFlowFormulation.PathSpec> seeds = new ArrayList<>();
        for (LpLayout.PathColumn p : layout.paths) {
            if (p.arcs().length > 0) {
                seeds.add(new TokenFlowFormulation.PathSpec(p.k(), p.nodes(), p.arcs()));
            }
        }
        return seeds;
    }

    /** Adds to the live LP every path it does not hold yet. */
    private void adoptPaths(List<TokenFlowFormulation.PathSpec> paths) {
        for (TokenFlowFormulation.PathSpec path : paths) {
            if (layout.hasPath(path.k(), path.nodes())) {
                continue;
            }
            TokenFlowFormulation.Column c = TokenFlowFormulation.pathColumn(coefficients, layout, names,
                    TokenFlowFormulation.Goal.OPERATING_COST, path);
            int col = solver.addColumn(c.name(), 0, Double.POSITIVE_INFINITY, c.cost(), c.rows(), c.values());
            layout.addPath(new LpLayout.PathColumn(col, path.k(), path.nodes(), path.arcs(), c.latencyMs(),
                    c.routing()));
        }
    }

    private SolveStats stats(LpSolution solution, boolean startedWarm, long iterations, long wallNanos, int rounds,
            int pathsBefore) {
        return new SolveStats(solverKind.toString(), iterations, wallNanos / 1e6, startedWarm, rounds,
                layout.paths.size() - pathsBefore, layout.paths.size());
    }

    /** Makes the next {@link #clear()} start cold, as a fresh instance would. */
    public void forgetBasis() {
        solver.forgetBasis();
        warm = false;
    }

    /** Bounds each solve (and the diagnosis of an infeasible one); running over fails with {@link ClearingFailedException}. */
    public void setTimeLimit(Duration limit) {
        timeLimit = limit;
        solver.setTimeLimitMillis(limit.toMillis());
    }

    /**
     * The LP exactly as the solver holds it now (with every applied update), in CPLEX LP format at full
     * precision, with a header saying what the units are: columns in M tokens/s, objective in $/s
     * (× 3600 = $/hr), balance-row duals = prices in $/M tokens.
     */
    public String exportLp() {
        String header = "TokenFlow Oracle clearing LP for scenario '" + scenario.name().replaceAll("[\\r\\n]", " ") + "' ("
                + scenario.bandwidthModel() + ")\n"
                + "x = processing, y = unserved, f = flow, p = origin path (END_TO_END classes), all in M tokens/s;"
                + " bal = balance rows (dual = price, $/M tokens);\narr = arrivals of a path class at a node;"
                + " the paths are those generated so far (the restricted LP, whose optimum is the market's);\n"
                + "link = bandwidth rows; objective in $/s (multiply by 3600 for $/hr). '-' in ids is written '.'.";
        LinearProgram current = TokenFlowFormulation.formulate(scenario, coefficients,
                TokenFlowFormulation.Goal.OPERATING_COST, seeds()).lp();
        return LpFormatWriter.write(current, header);
    }

    @Override
    public void close() {
        solver.close();
    }
}
