package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the token-flow market-clearing LP of the paper (§2.2, eq. 1; §2.4, eq. 10) with the
 * partial-service extension, one method per constraint family. A class with a latency limit under
 * END_TO_END (a path class, {@link Coefficients#pathClass}) is written on origin paths instead of arcs:
 *
 * <pre>
 *   min  Σ_k ( c_kᵀ f_k + g_kᵀ x_k + ρ_k 1ᵀ y_k ) + Σ_p c_p f_p             (1a)/(10a) + penalty
 *   s.t. A f_k + x_k + y_k = d_k                   ∀ arc class k            (1b)
 *        Σ_{p from o} f_p + y_o,k = d_o,k          ∀ path class k, node o   (origin balance, dual π)
 *        x_j,k − Σ_{p ends at j} f_p = 0           ∀ path class k, node j   (arrival, dual σ = g + μ)
 *        0 ≤ x_k ≤ C_k                             ∀k                       (1c)
 *        Σ_k f_k + Σ_p u f_p ≤ B  or  with Γ_k     per link, p through it   (1d)/(10d)
 *        f_k ≥ 0, f_ij,k = 0 where τ_ij > L_k; f_p ≥ 0 only for Σ_{a∈p} τ_a ≤ L_k   (1e) + latency
 *        y_k ≥ 0 for classes with a penalty, y_k ≡ 0 otherwise
 * </pre>
 *
 * The path columns written here are the zero-arc paths (served where the tokens arise) and any
 * {@code seeds}; {@link ColumnGeneration} adds the others as their reduced cost turns negative.
 * Costs and capacities come from {@link Coefficients}, in its LP units (M tokens/s, $/s).
 */
final class TokenFlowFormulation {

    /** What the LP minimises. */
    enum Goal {
        /** The market's operating cost (the clearing). */
        OPERATING_COST,
        /**
         * Σ of must-serve demand left unserved, every other cost 0 (phase 1): its optimum is the least
         * shortfall and its duals a Farkas certificate when must-serve demand cannot be met.
         */
        LEAST_SHORTFALL
    }

    /** One path to write as a column: class, node sequence and the arcs between them. */
    record PathSpec(int k, int[] nodes, int[] arcs) {}

    /** A path column ready to add to an LP or a live solver: its entries in the rows, and its cost. */
    record Column(String name, double cost, int[] rows, double[] values, double latencyMs, double routing) {}

    private final Coefficients coefficients;
    private final Goal goal;
    private final LpNames names;
    private final LinearProgram lp = new LinearProgram();
    private final LpLayout layout;

    private TokenFlowFormulation(Scenario scenario, Coefficients coefficients, Goal goal) {
        this.coefficients = coefficients;
        this.goal = goal;
        this.names = new LpNames(scenario, coefficients);
        this.layout = new LpLayout(coefficients.nodeCount, coefficients.classCount, coefficients.linkCount);
    }

    /** The formulated LP and where each quantity sits in it. */
    record Formulated(LinearProgram lp, LpLayout layout, LpNames names) {}

    static Formulated formulate(Scenario scenario, Coefficients coefficients, Goal goal) {
        return formulate(scenario, coefficients, goal, List.of());
    }

    /** The LP with the zero-arc paths and {@code seeds} as its path columns (seeds already present are skipped). */
    static Formulated formulate(Scenario scenario, Coefficients coefficients, Goal goal, List<PathSpec> seeds) {
        TokenFlowFormulation f = new TokenFlowFormulation(scenario, coefficients, goal);
        f.addProcessingColumns();
        f.addUnservedColumns();
        f.addFlowColumns();
        f.addBalanceRows();
        f.addArrivalRows();
        f.addLinkRows();
        f.addLocalPathColumns();
        for (PathSpec seed : seeds) {
            if (!f.layout.hasPath(seed.k(), seed.nodes())) {
                f.addPath(seed);
            }
        }
        return new Formulated(f.lp, f.layout, f.names);
    }

    /** x_j,k with 0 ≤ x_j,k ≤ C_j,k (1c), at cost g_j,k. Capacity is a column bound, so μ is −(reduced cost). */
    private void addProcessingColumns() {
        for (int j = 0; j < coefficients.nodeCount; j++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                double cost = goal == Goal.OPERATING_COST ? coefficients.processingCost[j][k] : 0;
                layout.processing[j][k] = lp.addColumn(names.processing(j, k), 0, coefficients.capacity[j][k], cost);
            }
        }
    }

    /** y_j,k ≥ 0 at cost ρ_k, only for classes with a penalty (partial service); must-serve has y ≡ 0. */
    private void addUnservedColumns() {
        for (int k = 0; k < coefficients.classCount; k++) {
            boolean mustServe = !coefficients.hasPenalty(k);
            if (goal == Goal.OPERATING_COST && mustServe) {
                continue;
            }
            double cost = switch (goal) {
                case OPERATING_COST -> coefficients.penalty[k];
                case LEAST_SHORTFALL -> mustServe ? 1 : 0;
            };
            for (int j = 0; j < coefficients.nodeCount; j++) {
                layout.unserved[j][k] = lp.addColumn(names.unserved(j, k), 0, Double.POSITIVE_INFINITY, cost);
            }
        }
    }

    /** f_ij,k ≥ 0 (1e) at cost c_ij,k for arc classes, only where τ_ij ≤ L_k: latency feasibility is the arc set E_k. */
    private void addFlowColumns() {
        for (int a = 0; a < coefficients.linkCount; a++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                if (coefficients.allowed[a][k] && !coefficients.pathClass[k]) {
                    double cost = goal == Goal.OPERATING_COST ? coefficients.routingCost[a][k] : 0;
                    layout.flow[a][k] = lp.addColumn(names.flow(a, k), 0, Double.POSITIVE_INFINITY, cost);
                }
            }
        }
    }

    /**
     * Σ_h f_jh,k − Σ_i f_ij,k + x_j,k + y_j,k = d_j,k at every node and arc class (1b); for a path class
     * the origin balance Σ_{p from j} f_p + y_j,k = d_j,k (its path entries come with the paths). Dual π_j,k.
     */
    private void addBalanceRows() {
        for (int j = 0; j < coefficients.nodeCount; j++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                double d = coefficients.demand[j][k];
                int row = lp.addRow(names.balance(j, k), d, d);
                layout.balance[j][k] = row;
                if (!coefficients.pathClass[k]) {
                    lp.setCoefficient(row, layout.processing[j][k], 1);
                }
                if (layout.unserved[j][k] >= 0) {
                    lp.setCoefficient(row, layout.unserved[j][k], 1);
                }
            }
        }
        for (int a = 0; a < coefficients.linkCount; a++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                int col = layout.flow[a][k];
                if (col >= 0) {
                    lp.setCoefficient(layout.balance[coefficients.linkFrom[a]][k], col, 1);
                    lp.setCoefficient(layout.balance[coefficients.linkTo[a]][k], col, -1);
                }
            }
        }
    }

    /** x_j,k − Σ_{p ends at j} f_p = 0 for every path class and node: what arrives is what is processed. Dual σ_j,k. */
    private void addArrivalRows() {
        for (int j = 0; j < coefficients.nodeCount; j++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                if (coefficients.pathClass[k]) {
                    int row = lp.addRow(names.arrival(j, k), 0, 0);
                    layout.arrival[j][k] = row;
                    lp.setCoefficient(row, layout.processing[j][k], 1);
                }
            }
        }
    }

    /** Σ_k f_ij,k ≤ B_ij (1d) or Σ_k γ_k f_ij,k ≤ W_ij (10d) on every link; its dual is −η_ij. */
    private void addLinkRows() {
        for (int a = 0; a < coefficients.linkCount; a++) {
            int row = lp.addRow(names.link(a), Double.NEGATIVE_INFINITY, coefficients.linkCapacity[a]);
            layout.linkRow[a] = row;
            for (int k = 0; k < coefficients.classCount; k++) {
                int col = layout.flow[a][k];
                if (col >= 0 && coefficients.linkWeight[k] != 0) {
                    lp.setCoefficient(row, col, coefficients.linkWeight[k]);
                }
            }
        }
    }

    /** f_(j),k ≥ 0 at cost 0 for every path class and node: the zero-arc path, served where the tokens arise. */
    private void addLocalPathColumns() {
        for (int j = 0; j < coefficients.nodeCount; j++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                if (coefficients.pathClass[k]) {
                    addPath(new PathSpec(k, new int[] {j}, new int[0]));
                }
            }
        }
    }

    private void addPath(PathSpec path) {
        Column c = pathColumn(coefficients, layout, names, goal, path);
        int col = lp.addColumn(c.name(), 0, Double.POSITIVE_INFINITY, c.cost());
        for (int i = 0; i < c.rows().length; i++) {
            lp.setCoefficient(c.rows()[i], col, c.values()[i]);
        }
        layout.addPath(new LpLayout.PathColumn(col, path.k(), path.nodes(), path.arcs(), c.latencyMs(), c.routing()));
    }

    /**
     * The column of path p from o to j of class k: +1 in the origin balance of o, −1 in the arrival row
     * of j, u_k in the row of every link it crosses; cost Σ c_a,k (0 in phase 1).
     */
    static Column pathColumn(Coefficients co, LpLayout layout, LpNames names, Goal goal, PathSpec path) {
        int k = path.k();
        int origin = path.nodes()[0];
        int end = path.nodes()[path.nodes().length - 1];
        List<Integer> rows = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        rows.add(layout.balance[origin][k]);
        values.add(1.0);
        rows.add(layout.arrival[end][k]);
        values.add(-1.0);
        double latency = 0;
        double routing = 0;
        for (int a : path.arcs()) {
            latency += co.latency[a];
            routing += co.routingCost[a][k];
            if (co.linkWeight[k] != 0) {
                rows.add(layout.linkRow[a]);
                values.add(co.linkWeight[k]);
            }
        }
        return new Column(names.path(origin, end, k, layout.paths.size()), goal == Goal.OPERATING_COST ? routing : 0,
                rows.stream().mapToInt(Integer::intValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray(), latency, routing);
    }
}
