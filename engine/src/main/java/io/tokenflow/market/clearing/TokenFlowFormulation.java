package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;

/**
 * Writes the token-flow market-clearing LP of the paper (§2.2, eq. 1; §2.4, eq. 10) with the
 * partial-service extension, one method per constraint family.
 *
 * <pre>
 *   min  Σ_k ( c_kᵀ f_k + g_kᵀ x_k + ρ_k 1ᵀ y_k )                       (1a)/(10a) + penalty
 *   s.t. A f_k + x_k + y_k = d_k                   ∀k                  (1b)
 *        0 ≤ x_k ≤ C_k                             ∀k                  (1c)
 *        Σ_k f_k ≤ B   or   Σ_k Γ_k f_k ≤ W                            (1d)/(10d)
 *        f_k ≥ 0, f_ij,k = 0 where τ_ij > L_k                          (1e) + latency
 *        y_k ≥ 0 for classes with a penalty, y_k ≡ 0 otherwise
 * </pre>
 *
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
    record Formulated(LinearProgram lp, LpLayout layout) {}

    static Formulated formulate(Scenario scenario, Coefficients coefficients, Goal goal) {
        TokenFlowFormulation f = new TokenFlowFormulation(scenario, coefficients, goal);
        f.addProcessingColumns();
        f.addUnservedColumns();
        f.addFlowColumns();
        f.addBalanceRows();
        f.addLinkRows();
        return new Formulated(f.lp, f.layout);
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

    /** f_ij,k ≥ 0 (1e) at cost c_ij,k, created only where τ_ij ≤ L_k: latency feasibility is the arc set E_k. */
    private void addFlowColumns() {
        for (int a = 0; a < coefficients.linkCount; a++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                if (coefficients.allowed[a][k]) {
                    double cost = goal == Goal.OPERATING_COST ? coefficients.routingCost[a][k] : 0;
                    layout.flow[a][k] = lp.addColumn(names.flow(a, k), 0, Double.POSITIVE_INFINITY, cost);
                }
            }
        }
    }

    /** Σ_h f_jh,k − Σ_i f_ij,k + x_j,k + y_j,k = d_j,k at every node and class (1b); its dual is π_j,k. */
    private void addBalanceRows() {
        for (int j = 0; j < coefficients.nodeCount; j++) {
            for (int k = 0; k < coefficients.classCount; k++) {
                double d = coefficients.demand[j][k];
                int row = lp.addRow(names.balance(j, k), d, d);
                layout.balance[j][k] = row;
                lp.setCoefficient(row, layout.processing[j][k], 1);
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
}
