package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users' equilibrium of a {@link RetailGame} at given prices, exactly: a convex QP solved by active
 * sets ({@link ActiveSetSolver}) whose answer meets the KKT conditions to a relative 1e-10.
 *
 * <p>Stateless; thread-safe. Cost: a few Cholesky factors of the size of the providers in use.
 */
public final class EquilibriumSolver {
    private EquilibriumSolver() {}

    /** The equilibrium at the posted prices (the what-if answer). */
    public static UserEquilibrium atPostedPrices(RetailGame game) {
        return at(game, game.postedPrices());
    }

    /** The equilibrium at {@code prices}, one per provider in the game's order. */
    public static UserEquilibrium at(RetailGame game, double[] prices) {
        if (prices.length != game.providers().size()) {
            throw new InvalidGameException("prices has " + prices.length + " entries for "
                    + game.providers().size() + " providers");
        }
        for (int j = 0; j < prices.length; j++) {
            GameChecks.finite("prices[" + j + "]", prices[j]);
        }
        CompiledGame g = new CompiledGame(game);
        ActiveSetSolver.Result r = ActiveSetSolver.equilibrium(g, g.costs(prices), null);
        return describe(g, prices, r.point().f, r.solves());
    }

    /** The equilibrium record of scaled flows {@code f} at {@code prices}. */
    static UserEquilibrium describe(CompiledGame g, double[] prices, double[] f, int solves) {
        RetailGame game = g.game;
        double[] c = g.costs(prices);
        double[] load = new double[g.m];
        for (int e = 0; e < g.pairs; e++) {
            load[g.pairProvider[e]] += f[e];
        }
        List<UserEquilibrium.Flow> flows = new ArrayList<>();
        List<UserEquilibrium.UserCost> costs = new ArrayList<>();
        for (int i = 0; i < g.n; i++) {
            String user = game.users().get(i).id();
            double cost = 0;
            for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                int j = g.pairProvider[e];
                // C_i = Σ_j f_ij (c_ij + w_q Q_j); k' F' = w_q F / α in the scaled units
                cost += f[e] * (c[e] + g.slope[j] * load[j]);
                if (f[e] > 0) {
                    flows.add(new UserEquilibrium.Flow(user, game.providers().get(j).id(), f[e] * g.scale));
                }
            }
            costs.add(new UserEquilibrium.UserCost(user, cost / g.demand[i]));
        }
        Map<String, Double> priceMap = new LinkedHashMap<>();
        Map<String, Double> providerFlows = new LinkedHashMap<>();
        for (int j = 0; j < g.m; j++) {
            priceMap.put(game.providers().get(j).id(), prices[j]);
            providerFlows.put(game.providers().get(j).id(), load[j] * g.scale);
        }
        return new UserEquilibrium(priceMap, flows, costs, providerFlows, solves);
    }
}
