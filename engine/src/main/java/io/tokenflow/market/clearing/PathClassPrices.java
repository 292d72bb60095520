package io.tokenflow.market.clearing;

import io.tokenflow.market.clearing.PriceDecomposer.Decomposed;
import io.tokenflow.market.clearing.PriceDecomposer.Terminal;
import java.util.ArrayList;
import java.util.List;

/**
 * The prices of one path class (END_TO_END) and their eq. 9 paths, written into the arrays of
 * {@link PriceDecomposer.ClassPrices}: arc classes have flows to follow, a path class has path columns and
 * latency-feasible paths instead.
 */
final class PathClassPrices {
    private final Coefficients co;
    private final LpLayout layout;
    private final LpSolution solution;
    private final double[] eta;
    private final int k;
    private final double[] price;
    private final double[] scarcity;
    private final Decomposed[] decomposed;
    private final boolean[] idle;

    PathClassPrices(Coefficients co, LpLayout layout, LpSolution solution, double[] eta, int k, double[] price,
            double[] scarcity, Decomposed[] decomposed, boolean[] idle) {
        this.co = co;
        this.layout = layout;
        this.solution = solution;
        this.eta = eta;
        this.k = k;
        this.price = price;
        this.scarcity = scarcity;
        this.decomposed = decomposed;
        this.idle = idle;
    }

    /**
     * A path class (END_TO_END): μ from the arrival duals σ, then every origin's price along a
     * latency-feasible path. An origin with demand keeps its dual π and is decomposed along the path
     * column that carries most of its tokens at exactly π (complementary slackness: a used path has
     * π = g + μ + Σ(c + aη) at its end), or at its penalty. An origin without demand has a dual the LP
     * leaves free; it gets its marginal cost, the least g + μ + Σ(c + aη) over its latency-feasible paths
     * to capacity (or ρ), which is the largest value dual feasibility allows. Finally nodes of zero
     * capacity get the rent that keeps every path to them priced at or above its origin's price (it
     * costs nothing: μ·C = 0).
     */
    void fill() {
        int n = co.nodeCount;
        double[] sigma = new double[n];
        for (int j = 0; j < n; j++) {
            sigma[j] = solution.rowDuals()[layout.arrival[j][k]];
            boolean atCapacity = co.capacity[j][k] == 0
                    || x(j) >= co.capacity[j][k] - 1e-9 * Math.max(1.0, co.capacity[j][k]);
            scarcity[j] = atCapacity ? Tolerances.cleanPrice(Math.max(0, sigma[j] - co.processingCost[j][k])) : 0;
        }
        double[] arcCost = new double[co.linkCount];
        for (int a = 0; a < co.linkCount; a++) {
            arcCost[a] = arcPriceStep(a);
        }
        List<LatencyConstrainedPaths> idleSearches = new ArrayList<>();
        List<Integer> idleOrigins = new ArrayList<>();
        for (int o = 0; o < n; o++) {
            if (co.demand[o][k] > 0) {
                price[o] = Tolerances.cleanPrice(solution.rowDuals()[layout.balance[o][k]]);
                decomposed[o] = usedPath(o);
                if (decomposed[o] != null) {
                    continue;
                }
            }
            LatencyConstrainedPaths paths = LatencyConstrainedPaths.search(co, k, o, arcCost,
                    Double.POSITIVE_INFINITY);
            if (co.demand[o][k] > 0) {
                decomposed[o] = cheapest(o, paths, price[o]);
            } else {
                idle[o] = true;
                decomposed[o] = cheapest(o, paths, Double.NaN);
                price[o] = decomposed[o].terminal() == Terminal.NONE
                        ? Tolerances.cleanPrice(Math.min(0, solution.rowDuals()[layout.balance[o][k]]))
                        : decomposed[o].price();
                decomposed[o] = withPrice(decomposed[o], price[o]);
                idleSearches.add(paths);
                idleOrigins.add(o);
            }
        }
        for (int i = 0; i < idleOrigins.size(); i++) {
            int o = idleOrigins.get(i);
            LatencyConstrainedPaths paths = idleSearches.get(i);
            for (int v = 0; v < n; v++) {
                if (co.capacity[v][k] == 0 && paths.reached(v)) {
                    double gap = price[o] - co.processingCost[v][k] - paths.cost(v);
                    scarcity[v] = Math.max(scarcity[v], Tolerances.cleanPrice(gap));
                }
            }
        }
    }

    private Decomposed withPrice(Decomposed d, double p) {
        return new Decomposed(p, d.terminal(), d.servingNode(), d.path(), d.arcs());
    }

    /** The origin's path column with the most flow that prices at exactly π, or its penalty; null if none. */
    private Decomposed usedPath(int o) {
        LpLayout.PathColumn bestPath = null;
        double bestFlow = Tolerances.ACTIVE_RATE;
        for (LpLayout.PathColumn p : layout.pathsFrom(k, o)) {
            double f = solution.primal()[p.column()];
            if (f > bestFlow && Tolerances.tight(price[o] - pathPrice(p.end(), p.arcs()), price[o])) {
                bestPath = p;
                bestFlow = f;
            }
        }
        if (bestPath != null) {
            return new Decomposed(price[o], Terminal.SERVED, bestPath.end(), bestPath.nodes(), bestPath.arcs());
        }
        if (co.hasPenalty(k) && y(o) > Tolerances.ACTIVE_RATE && Tolerances.tight(price[o] - co.penalty[k], price[o])) {
            return new Decomposed(price[o], Terminal.PENALTY, -1, new int[] {o}, new int[0]);
        }
        return null;
    }

    /** g_s + μ_s + Σ (c + aη) along the arcs: what serving one more unit at s over them costs. */
    private double pathPrice(int s, int[] arcs) {
        double total = co.processingCost[s][k] + scarcity[s];
        for (int a : arcs) {
            total += arcPriceStep(a);
        }
        return total;
    }

    /**
     * The least-cost way to serve one more unit from o within the latency limit: the cheapest
     * latency-feasible path to a node with capacity, or the penalty. With {@code target} given (an origin
     * with demand whose flows gave no path), the first that prices at the target is preferred.
     */
    private Decomposed cheapest(int o, LatencyConstrainedPaths paths, double target) {
        int bestNode = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int v = 0; v < co.nodeCount; v++) {
            if (co.capacity[v][k] > 0 && paths.reached(v)) {
                double cost = co.processingCost[v][k] + scarcity[v] + paths.cost(v);
                if (cost < best) {
                    best = cost;
                    bestNode = v;
                }
            }
        }
        boolean penaltyFirst = co.hasPenalty(k) && (co.penalty[k] < best
                || (!Double.isNaN(target) && Tolerances.tight(target - co.penalty[k], target)
                        && !Tolerances.tight(target - best, target)));
        double p = Double.isNaN(target) ? Math.min(best, penaltyFirst ? co.penalty[k] : best) : target;
        if (penaltyFirst) {
            return new Decomposed(p, Terminal.PENALTY, -1, new int[] {o}, new int[0]);
        }
        if (bestNode < 0) {
            return new Decomposed(p, Terminal.NONE, -1, new int[] {o}, new int[0]);
        }
        return new Decomposed(p, Terminal.SERVED, bestNode, paths.nodes(bestNode), paths.arcs(bestNode));
    }

    private double x(int j) {
        return solution.primal()[layout.processing[j][k]];
    }

    private double y(int j) {
        int col = layout.unserved[j][k];
        return col < 0 ? 0 : solution.primal()[col];
    }

    /** c_ij,k + a_k η_ij: what crossing arc a adds to the price. */
    private double arcPriceStep(int a) {
        return co.routingCost[a][k] + co.linkWeight[k] * eta[a];
    }
}
