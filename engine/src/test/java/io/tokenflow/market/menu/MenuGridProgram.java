package io.tokenflow.market.menu;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A second reference for grids too large to enumerate: the textbook dynamic program over every type
 * (sorted by θ, equal values kept apart) and every option of the grid, with the tiers used as a state,
 * maximising the virtual surplus Σ_k a_k v(T_k) − f_k c T_k over non-decreasing caps. It shares the
 * revenue identity with the solver but none of its reduction to pools at their own best caps, and costs
 * types × options × tiers.
 */
final class MenuGridProgram {
    private MenuGridProgram() {}

    static double profit(MenuProblem p) {
        List<UserType> types = p.types().stream()
                .sorted(Comparator.comparingDouble(UserType::valuePerRequest)).toList();
        int n = types.size();
        long[] options = java.util.stream.LongStream.concat(java.util.stream.LongStream.of(0),
                java.util.stream.IntStream.range(0, p.caps().size()).mapToLong(i -> p.caps().cap(i)).filter(c -> c > 0))
                .toArray();
        int m = options.length;
        int tiers = Math.min(p.maxTiers().orElse(n), n);
        double[] v = new double[m];
        for (int j = 0; j < m; j++) {
            v[j] = p.value().value(options[j]);
        }
        double c = p.costPerMTokens() / 1e6;
        // best[t][j]: the best value of the types so far, the last at option j with t distinct non-zero caps
        double[][] best = new double[tiers + 1][m];
        for (double[] row : best) {
            Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        best[0][0] = 0;
        double[] above = new double[n + 1]; // above[k]: the share of the types after k in this order
        for (int k = n - 1; k >= 0; k--) {
            above[k] = above[k + 1] + (k + 1 < n ? types.get(k + 1).share() : 0);
        }
        for (int k = 0; k < n; k++) {
            UserType t = types.get(k);
            double gap = k == n - 1 ? 0 : types.get(k + 1).valuePerRequest() - t.valuePerRequest();
            double a = t.share() * t.valuePerRequest() - gap * above[k];
            double[][] next = new double[tiers + 1][m];
            for (int tt = 0; tt <= tiers; tt++) {
                double prefix = Double.NEGATIVE_INFINITY; // max over options below j, one tier fewer
                for (int j = 0; j < m; j++) {
                    double stay = best[tt][j];
                    double open = j > 0 && tt > 0 ? prefix : Double.NEGATIVE_INFINITY;
                    double from = Math.max(stay, open);
                    next[tt][j] = from == Double.NEGATIVE_INFINITY ? from : from + a * v[j] - t.share() * c * options[j];
                    if (tt > 0) {
                        prefix = Math.max(prefix, best[tt - 1][j]);
                    }
                }
            }
            best = next;
        }
        double out = Double.NEGATIVE_INFINITY;
        for (double[] row : best) {
            for (double x : row) {
                out = Math.max(out, x);
            }
        }
        return out;
    }
}
