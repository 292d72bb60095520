package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact program: the best allocation of caps to type levels over the grid, as pools of consecutive
 * levels (the lowest ones possibly excluded), each pool at one cap, caps strictly rising, at most a
 * given number of pools.
 *
 * <p>Why pools at their own best caps suffice. Revenue with binding downward constraints is
 * Σ_k a_k·v(T_k), so profit separates: a pool of levels i..j at cap T earns
 * h(T) = A·v(T) − F·c·T (A = Σ a_k, F = Σ f_k). Take an optimal allocation. If a pool's cap is not a
 * maximiser of its own h, then (h being concave, or non-increasing when A ≤ 0) its maximisers lie at or
 * beyond a neighbouring pool's cap (it is optimal between them), and merging it into that neighbour
 * loses nothing and frees a tier; repeat until every pool sits at a maximiser of its h. Among such
 * allocations take one with the fewest pools: two neighbouring pools cannot share a maximiser (merging
 * them there would lose nothing), so their sets of maximisers are disjoint and in the pools' order,
 * and each pool can sit at its smallest maximiser with the caps still strictly rising. So the optimum
 * is a partition of the levels into an excluded prefix and pools whose smallest maximisers rise, and
 * every such partition is a feasible menu worth the sum of its pools' maxima: the program below
 * searches exactly these, with the number of pools used as the state, in O(tiers · levels³ / 6).
 */
final class MenuProgram {

    /** Levels {@code first..last} (inclusive) pooled at one option. */
    record Pool(int first, int last, int option) {}

    /** The pools of an optimum, cap ascending (empty: nothing is sold), and its profit per request. */
    record Solution(List<Pool> pools, double profit) {}

    private MenuProgram() {}

    static Solution solve(TypeLevels levels, CapOptions options, ValueCurve curve, double costPerToken,
            int maxTiers) {
        int n = levels.size();
        double[] sumA = new double[n + 1];
        double[] sumF = new double[n + 1];
        for (int k = 0; k < n; k++) {
            sumA[k + 1] = sumA[k] + levels.virtual[k];
            sumF[k + 1] = sumF[k] + levels.share[k];
        }
        // each pool's smallest best option and what it earns there
        int[][] best = new int[n][n];
        double[][] earns = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double a = sumA[j + 1] - sumA[i];
                double f = sumF[j + 1] - sumF[i];
                int option = options.best(curve, a, f * costPerToken);
                long cap = options.cap(option);
                best[i][j] = option;
                earns[i][j] = option == 0 ? 0 : a * curve.value(cap) - f * costPerToken * cap;
            }
        }
        int tiers = Math.min(maxTiers, Math.min(n, options.count() - 1));
        // value[t][i][j]: the best profit of levels 0..j with t pools, the last one i..j (levels before
        // the first pool excluded); from[t][i][j]: where the pool before it starts (-1: none)
        double[][][] value = new double[tiers + 1][n][n];
        int[][][] from = new int[tiers + 1][n][n];
        for (double[][] layer : value) {
            for (double[] row : layer) {
                Arrays.fill(row, Double.NEGATIVE_INFINITY);
            }
        }
        for (int t = 1; t <= tiers; t++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i <= j; i++) {
                    int option = best[i][j];
                    if (option == 0) {
                        continue; // a pool that would rather buy nothing is part of the excluded prefix
                    }
                    if (t == 1) {
                        value[1][i][j] = earns[i][j];
                        from[1][i][j] = -1;
                        continue;
                    }
                    double before = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int p = 0; p < i; p++) {
                        double v = value[t - 1][p][i - 1];
                        if (v > before && best[p][i - 1] < option) {
                            before = v;
                            at = p;
                        }
                    }
                    if (at >= 0) {
                        value[t][i][j] = before + earns[i][j];
                        from[t][i][j] = at;
                    }
                }
            }
        }
        // nothing sold earns 0; ties go to selling nothing, then to fewer tiers (the first found)
        double profit = 0;
        int bestT = 0;
        int bestI = -1;
        for (int t = 1; t <= tiers; t++) {
            for (int i = 0; i < n; i++) {
                if (value[t][i][n - 1] > profit) {
                    profit = value[t][i][n - 1];
                    bestT = t;
                    bestI = i;
                }
            }
        }
        List<Pool> pools = new ArrayList<>();
        for (int t = bestT, i = bestI, j = n - 1; t >= 1; t--) {
            pools.add(0, new Pool(i, j, best[i][j]));
            int p = from[t][i][j];
            j = i - 1;
            i = p;
        }
        return new Solution(List.copyOf(pools), profit);
    }
}
