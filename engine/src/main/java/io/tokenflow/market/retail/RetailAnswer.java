package io.tokenflow.market.retail;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a retail game (docs/retail.md): the users' equilibrium at the answered prices and, when the
 * game has a target, the target's profit-maximising price.
 *
 * @param optimum     the target's optimum; empty when the game has none (the what-if answer)
 * @param equilibrium the users' equilibrium at the target's optimal price and the others' posted prices
 */
public record RetailAnswer(String name, Optional<Optimum> optimum, UserEquilibrium equilibrium) {

    /**
     * The target's optimal price.
     *
     * @param flow         Σ_i f_i,target at {@code price}, tokens/s
     * @param revenue      price × flow ($/M tokens × tokens/s)
     * @param profit       (price − marginalCost) × flow
     * @param marginalCost the cost used: {@code marginalCost}, the site price g + μ, or 0 when neither is given
     * @param exact        true when the price is proven optimal over the range: every piece of the traced
     *                     equilibrium was maximised in closed form and a fresh solve at the price agreed
     * @param pieces       the pieces of the trace (breakpoints + 1)
     * @param curve        the profit at evenly spaced prices over the range
     */
    public record Optimum(
            String target,
            double price,
            double flow,
            double revenue,
            double profit,
            double marginalCost,
            boolean exact,
            int pieces,
            List<CurvePoint> curve) {

        public Optimum {
            curve = List.copyOf(curve);
        }
    }

    /** The target's flow and profit at one price of the curve. */
    public record CurvePoint(double price, double flow, double profit) {}
}
