package io.tokenflow.client;

import java.util.List;
import java.util.Optional;

/**
 * The oracle's answer to a retail game: the users' equilibrium and, with a target, its exact optimum.
 *
 * @param optimum       the target's optimal price; empty when the game had no target
 * @param equilibrium   every user × provider pair with positive flow, tokens/s
 * @param userCosts     C_i / D_i per user, $/M tokens
 * @param marketVersion the market version whose site prices costed the providers that name node and class
 */
public record RetailAnswerView(String name, Optional<Optimum> optimum, List<Flow> equilibrium,
        List<UserCost> userCosts, long marketVersion) {

    public RetailAnswerView {
        equilibrium = List.copyOf(equilibrium);
        userCosts = List.copyOf(userCosts);
    }

    /**
     * The target's optimum.
     *
     * @param exact  true when the price is proven optimal over the range
     * @param pieces pieces of the traced equilibrium
     * @param curve  the profit at evenly spaced prices over the range
     */
    public record Optimum(String target, double price, double flow, double revenue, double profit, double marginalCost,
            boolean exact, int pieces, List<CurvePoint> curve) {
        public Optimum {
            curve = List.copyOf(curve);
        }
    }

    public record CurvePoint(double price, double flow, double profit) {}

    public record Flow(String user, String provider, double tokensPerSecond) {}

    public record UserCost(String user, double costPerMTokens) {}
}
