package io.tokenflow.market.retail;

import java.util.List;
import java.util.Map;

/**
 * The users' equilibrium at given prices: the unique minimiser of the potential (Rosen), in which no user
 * can lower its cost C_i by moving demand between its providers.
 *
 * @param prices        every provider's price, $/M tokens, in the game's order
 * @param flows         every user × provider pair with positive flow, tokens/s
 * @param userCosts     C_i / D_i per user, $/M tokens (it includes −b_j, so it may be negative)
 * @param providerFlows Σ_i f_ij per provider, tokens/s, in the game's order
 * @param solves        the KKT solves it took (a cost measure)
 */
public record UserEquilibrium(
        Map<String, Double> prices,
        List<Flow> flows,
        List<UserCost> userCosts,
        Map<String, Double> providerFlows,
        int solves) {

    public UserEquilibrium {
        prices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(prices));
        flows = List.copyOf(flows);
        userCosts = List.copyOf(userCosts);
        providerFlows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(providerFlows));
    }

    /** One user's flow to one provider, tokens/s. */
    public record Flow(String user, String provider, double tokensPerSecond) {}

    /** One user's cost per M tokens at the equilibrium. */
    public record UserCost(String user, double costPerMTokens) {}

    /** f_ij, tokens/s (0 when the pair has no flow or is unavailable). */
    public double flow(String user, String provider) {
        return flows.stream().filter(f -> f.user().equals(user) && f.provider().equals(provider))
                .mapToDouble(Flow::tokensPerSecond).findFirst().orElse(0);
    }

    /** Σ_i f_ij, tokens/s. */
    public double providerFlow(String provider) {
        Double v = providerFlows.get(provider);
        if (v == null) {
            throw new InvalidGameException("no provider " + GameChecks.quote(provider));
        }
        return v;
    }
}
