package io.tokenflow.market.clearing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Column generation for the path classes (END_TO_END): solves the restricted LP, prices every
 * latency-feasible origin path against its duals, adds the paths with negative reduced cost, and
 * repeats until none is left.
 *
 * <p>The reduced cost of path p of class k from origin o to node j is
 * {@code c_p − π_o + σ_j + u_k Σ_{a∈p} η_a}, with π_o the origin balance's dual, σ_j the arrival row's
 * and η_a ≥ 0 the congestion rents. Per origin, the least one over all paths is a latency-constrained
 * shortest path with arc costs {@code c_a,k + u_k η_a ≥ 0} and end cost σ_j
 * ({@link LatencyConstrainedPaths}, exact). When no origin has a path below −ε, the restricted LP's duals
 * are feasible for the full LP (every column prices at or above 0), and its primal solution is feasible
 * for the full LP too, with the same objective: the restricted optimum is the full optimum.
 *
 * <p>Runs on the caller's thread against the caller's solver; not thread-safe.
 */
final class ColumnGeneration {
    /** At most this many new paths per origin and class in one round (the most negative first). */
    static final int PATHS_PER_ORIGIN = 3;
    /** A safety stop: column generation adds at least one new path per round, so this means a fault. */
    static final int MAX_ROUNDS = 10_000;

    /** What the loop did: the last solution, the rounds and the paths it added. */
    record Outcome(LpSolution solution, int rounds, int columnsAdded, long iterations, long wallNanos) {}

    private ColumnGeneration() {}

    /** Relative tolerance on a reduced cost below which a path is worth adding. */
    static double tolerance(double price) {
        return 1e-9 * Math.max(1.0, Math.abs(price));
    }

    /**
     * Runs the loop from {@code first}, the solution of the LP as {@code solver} holds it now. Stops at
     * the first solution that is not OPTIMAL (the caller decides what that means) or when pricing finds
     * nothing.
     */
    static Outcome run(OrToolsLpSolver solver, Coefficients co, LpLayout layout, LpNames names,
            TokenFlowFormulation.Goal goal, LpSolution first) {
        LpSolution solution = first;
        int rounds = 0;
        int added = 0;
        long iterations = first.iterations();
        long wall = first.wallNanos();
        while (solution.status() == LpSolution.LpStatus.OPTIMAL) {
            long start = System.nanoTime();
            List<TokenFlowFormulation.PathSpec> found = price(co, layout, goal, solution);
            rounds++;
            for (TokenFlowFormulation.PathSpec path : found) {
                TokenFlowFormulation.Column c = TokenFlowFormulation.pathColumn(co, layout, names, goal, path);
                int col = solver.addColumn(c.name(), 0, Double.POSITIVE_INFINITY, c.cost(), c.rows(), c.values());
                layout.addPath(new LpLayout.PathColumn(col, path.k(), path.nodes(), path.arcs(), c.latencyMs(),
                        c.routing()));
            }
            wall += System.nanoTime() - start;
            if (found.isEmpty()) {
                break;
            }
            added += found.size();
            if (rounds >= MAX_ROUNDS) {
                throw new ClearingFailedException("column generation did not converge in " + MAX_ROUNDS + " rounds");
            }
            solution = solver.solve();
            iterations += solution.iterations();
            wall += solution.wallNanos();
        }
        return new Outcome(solution, rounds, added, iterations, wall);
    }

    /** Arc costs of class k in the pricing problem: c_a,k (0 in phase 1) + u_k η_a. */
    static double[] arcCosts(Coefficients co, int k, TokenFlowFormulation.Goal goal, double[] eta) {
        double[] cost = new double[co.linkCount];
        for (int a = 0; a < co.linkCount; a++) {
            double route = goal == TokenFlowFormulation.Goal.OPERATING_COST ? co.routingCost[a][k] : 0;
            cost[a] = route + co.linkWeight[k] * eta[a];
        }
        return cost;
    }

    /** η_a = max(0, −dual of the link row). */
    static double[] rents(Coefficients co, LpLayout layout, LpSolution solution) {
        double[] eta = new double[co.linkCount];
        for (int a = 0; a < co.linkCount; a++) {
            eta[a] = Math.max(0, -solution.rowDuals()[layout.linkRow[a]]);
        }
        return eta;
    }

    /** The pricing problem of every path class and origin with demand: new paths with negative reduced cost. */
    static List<TokenFlowFormulation.PathSpec> price(Coefficients co, LpLayout layout, TokenFlowFormulation.Goal goal,
            LpSolution solution) {
        double[] eta = rents(co, layout, solution);
        double[] duals = solution.rowDuals();
        List<TokenFlowFormulation.PathSpec> found = new ArrayList<>();
        for (int k = 0; k < co.classCount; k++) {
            if (!co.pathClass[k]) {
                continue;
            }
            double[] arcCost = arcCosts(co, k, goal, eta);
            double[] sigma = new double[co.nodeCount];
            double minSigma = Double.POSITIVE_INFINITY;
            for (int j = 0; j < co.nodeCount; j++) {
                sigma[j] = duals[layout.arrival[j][k]];
                minSigma = Math.min(minSigma, sigma[j]);
            }
            for (int o = 0; o < co.nodeCount; o++) {
                if (co.demand[o][k] <= 0) {
                    continue; // no tokens to route: its columns would carry nothing (its price is lifted later)
                }
                double pi = duals[layout.balance[o][k]];
                double tol = tolerance(pi);
                // a label costing at least π − min σ − ε cannot end in a negative reduced cost
                LatencyConstrainedPaths paths = LatencyConstrainedPaths.search(co, k, o, arcCost, pi - minSigma - tol);
                List<double[]> candidates = new ArrayList<>();
                for (int v = 0; v < co.nodeCount; v++) {
                    if (paths.reached(v)) {
                        double reduced = paths.cost(v) + sigma[v] - pi;
                        if (reduced < -tol) {
                            candidates.add(new double[] {reduced, v});
                        }
                    }
                }
                candidates.sort(Comparator.comparingDouble((double[] c) -> c[0]).thenComparingDouble(c -> c[1]));
                int taken = 0;
                for (double[] c : candidates) {
                    int v = (int) c[1];
                    int[] nodes = paths.nodes(v);
                    if (layout.hasPath(k, nodes)) {
                        continue; // already a column: its reduced cost is within the solver's tolerance of 0
                    }
                    found.add(new TokenFlowFormulation.PathSpec(k, nodes, paths.arcs(v)));
                    if (++taken == PATHS_PER_ORIGIN) {
                        break;
                    }
                }
            }
        }
        return found;
    }
}
