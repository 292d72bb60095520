package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

/**
 * The equilibrium's KKT conditions, checked from the game's own numbers (not the solver's arrays): every
 * user's flows sum to its demand and are ≥ 0; every used pair has the same marginal cost
 * ∂C_i/∂f_ij = w_p p_j + w_d d_ij − b_j + (w_q/α_j)(F_j + f_ij), and no unused pair is cheaper.
 */
final class KktCheck {
    private KktCheck() {}

    /** The largest violation, relative to the cost scale; asserts it is below {@code tolerance}. */
    static double assertEquilibrium(RetailGame game, UserEquilibrium eq, double tolerance) {
        double worst = 0;
        double costScale = 1;
        for (RetailGame.Provider p : game.providers()) {
            costScale = Math.max(costScale, Math.abs(game.weights().price() * eq.prices().get(p.id()) - p.value()));
        }
        for (RetailGame.User u : game.users()) {
            double total = 0;
            double min = Double.POSITIVE_INFINITY;
            double maxUsed = Double.NEGATIVE_INFINITY;
            for (Map.Entry<String, Double> d : u.delayMs().entrySet()) {
                RetailGame.Provider p = game.provider(d.getKey());
                double f = eq.flow(u.id(), p.id());
                assertTrue(f >= 0, "negative flow " + u.id() + "->" + p.id());
                total += f;
                double marginal = game.weights().price() * eq.prices().get(p.id()) + game.weights().delay() * d.getValue()
                        - p.value() + game.weights().congestion() / p.capacity() * (eq.providerFlow(p.id()) + f);
                min = Math.min(min, marginal);
                if (f > 1e-9 * u.demand()) {
                    maxUsed = Math.max(maxUsed, marginal);
                }
            }
            assertEquals(u.demand(), total, 1e-9 * u.demand(), "demand of " + u.id());
            worst = Math.max(worst, (maxUsed - min) / costScale);
        }
        assertTrue(worst <= tolerance, "KKT violated by " + worst);
        return worst;
    }
}
