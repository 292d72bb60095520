package io.tokenflow.market.retail;

import java.util.Map;

/**
 * A {@link RetailGame} as arrays for the solves: the available user × provider pairs (grouped by user),
 * each pair's price-free cost, and the congestion slopes, with flows scaled so that the largest demand is
 * 1. Scaling keeps every quantity of the solves near 1 whatever the unit of demand (tokens/s runs to
 * 1e9): the potential divided by the scale s is Σ c f' + Σ (k s / 2)(...) f'^2 in f' = f / s, so costs
 * and multipliers keep their units and only k and D change.
 *
 * <p>Immutable; built once per game (prices are passed to each solve, not stored).
 */
final class CompiledGame {
    final RetailGame game;
    /** Providers m, users n, available pairs. */
    final int m;
    final int n;
    final int pairs;
    /** The pairs of user i are userStart[i] ..< userStart[i + 1]. */
    final int[] userStart;
    final int[] pairUser;
    final int[] pairProvider;
    /** w_d d_ij − b_j, the part of a pair's cost that does not depend on prices. */
    final double[] baseCost;
    /** d_ij, ms. */
    final double[] delay;
    /** k_j = (w_q / α_j) × scale, the scaled congestion slope. */
    final double[] slope;
    /** D_i / scale. */
    final double[] demand;
    final double scale;
    final double priceWeight;
    /** The pairs of each provider. */
    final int[][] providerPairs;

    CompiledGame(RetailGame game) {
        this.game = game;
        m = game.providers().size();
        n = game.users().size();
        int count = 0;
        for (RetailGame.User u : game.users()) {
            count += u.delayMs().size();
        }
        pairs = count;
        userStart = new int[n + 1];
        pairUser = new int[pairs];
        pairProvider = new int[pairs];
        baseCost = new double[pairs];
        delay = new double[pairs];
        double maxDemand = game.users().stream().mapToDouble(RetailGame.User::demand).max().orElse(1);
        scale = maxDemand;
        demand = new double[n];
        slope = new double[m];
        priceWeight = game.weights().price();
        for (int j = 0; j < m; j++) {
            slope[j] = game.weights().congestion() / game.providers().get(j).capacity() * scale;
        }
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int j = 0; j < m; j++) {
            index.put(game.providers().get(j).id(), j);
        }
        int[] perProvider = new int[m];
        int e = 0;
        for (int i = 0; i < n; i++) {
            RetailGame.User u = game.users().get(i);
            userStart[i] = e;
            demand[i] = u.demand() / scale;
            for (Map.Entry<String, Double> d : u.delayMs().entrySet()) {
                int j = index.get(d.getKey());
                pairUser[e] = i;
                pairProvider[e] = j;
                delay[e] = d.getValue();
                baseCost[e] = game.weights().delay() * d.getValue() - game.providers().get(j).value();
                perProvider[j]++;
                e++;
            }
        }
        userStart[n] = e;
        providerPairs = new int[m][];
        for (int j = 0; j < m; j++) {
            providerPairs[j] = new int[perProvider[j]];
            perProvider[j] = 0;
        }
        for (int p = 0; p < pairs; p++) {
            int j = pairProvider[p];
            providerPairs[j][perProvider[j]++] = p;
        }
    }

    /** c_ij = w_p p_j + w_d d_ij − b_j for every pair. */
    double[] costs(double[] prices) {
        double[] c = new double[pairs];
        for (int e = 0; e < pairs; e++) {
            c[e] = priceWeight * prices[pairProvider[e]] + baseCost[e];
        }
        return c;
    }

    /** ∂c/∂p_target: w_p on the target's pairs, 0 elsewhere. */
    double[] priceDirection(int target) {
        double[] dc = new double[pairs];
        for (int e : providerPairs[target]) {
            dc[e] = priceWeight;
        }
        return dc;
    }

    /** A scale for costs and multipliers, for tolerances: the largest |c| and congestion term. */
    double costScale(double[] c) {
        double max = 1;
        for (double v : c) {
            max = Math.max(max, Math.abs(v));
        }
        double k = 0;
        for (double v : slope) {
            k = Math.max(k, v);
        }
        double total = 0;
        for (double d : demand) {
            total += d;
        }
        return Math.max(max, k * total);
    }
}
