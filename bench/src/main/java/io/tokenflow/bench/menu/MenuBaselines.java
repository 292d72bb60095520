package io.tokenflow.bench.menu;

import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.UserType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The two baselines, written without the solver's reduction to pools at their own best caps. Both price
 * an allocation as the theory says (binding downward constraints), so their profits are the optimum's.
 */
final class MenuBaselines {
    private MenuBaselines() {}

    /** Sorted values θ, shares and virtual coefficients a_k, as the solver defines them. */
    private record Sorted(double[] theta, double[] share, double[] virtual) {
        static Sorted of(MenuProblem p) {
            List<UserType> types = p.types().stream().sorted(Comparator.comparingDouble(UserType::valuePerRequest))
                    .toList();
            int n = types.size();
            double[] theta = new double[n];
            double[] share = new double[n];
            double[] virtual = new double[n];
            double above = 0;
            for (int k = n - 1; k >= 0; k--) {
                theta[k] = types.get(k).valuePerRequest();
                share[k] = types.get(k).share();
                double gap = k == n - 1 ? 0 : theta[k + 1] - theta[k];
                virtual[k] = share[k] * theta[k] - gap * above;
                above += share[k];
            }
            return new Sorted(theta, share, virtual);
        }
    }

    private static long[] options(MenuProblem p) {
        return java.util.stream.LongStream.concat(java.util.stream.LongStream.of(0),
                java.util.stream.IntStream.range(0, p.caps().size()).mapToLong(i -> p.caps().cap(i)).filter(c -> c > 0))
                .toArray();
    }

    /**
     * The textbook program: every type in θ order and every option of the grid, the tiers used as a state;
     * types × options × tiers steps.
     */
    static double fullGridProgram(MenuProblem p) {
        Sorted s = Sorted.of(p);
        long[] options = options(p);
        int n = s.theta().length;
        int m = options.length;
        int tiers = Math.min(p.maxTiers().orElse(n), n);
        double[] v = new double[m];
        for (int j = 0; j < m; j++) {
            v[j] = p.value().value(options[j]);
        }
        double c = p.costPerMTokens() / 1e6;
        double[][] best = new double[tiers + 1][m];
        double[][] next = new double[tiers + 1][m];
        for (double[] row : best) {
            Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int k = 0; k < n; k++) {
            double a = s.virtual()[k];
            double f = s.share()[k];
            for (int t = 0; t <= tiers; t++) {
                double prefix = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    double from = Math.max(best[t][j], j > 0 && t > 0 ? prefix : Double.NEGATIVE_INFINITY);
                    next[t][j] = from == Double.NEGATIVE_INFINITY ? from : from + a * v[j] - f * c * options[j];
                    if (t > 0) {
                        prefix = Math.max(prefix, best[t - 1][j]);
                    }
                }
            }
            double[][] swap = best;
            best = next;
            next = swap;
        }
        double out = Double.NEGATIVE_INFINITY;
        for (double[] row : best) {
            for (double x : row) {
                out = Math.max(out, x);
            }
        }
        return out;
    }

    /**
     * Brute force: every non-decreasing assignment of options to the sorted types (C(options + types − 1,
     * types) of them) within the tier limit, each priced by the binding chain; the best profit.
     */
    static double bruteForce(MenuProblem p) {
        Sorted s = Sorted.of(p);
        long[] options = options(p);
        int n = s.theta().length;
        double[] v = new double[options.length];
        for (int j = 0; j < options.length; j++) {
            v[j] = p.value().value(options[j]);
        }
        int limit = p.maxTiers().orElse(n);
        int[] pick = new int[n];
        double best = 0;
        double c = p.costPerMTokens() / 1e6;
        while (true) {
            int tiers = 0;
            double price = 0;
            double profit = 0;
            for (int k = 0; k < n; k++) {
                int prev = k == 0 ? 0 : pick[k - 1];
                if (pick[k] != prev && pick[k] != 0) {
                    tiers++;
                }
                // P_k = P_{k-1} + θ_k (v(T_k) − v(T_{k-1})): type k's binding constraint against the one below
                price += s.theta()[k] * (v[pick[k]] - v[prev]);
                profit += s.share()[k] * (price - c * options[pick[k]]);
            }
            if (tiers <= limit && profit > best) {
                best = profit;
            }
            // the next non-decreasing sequence
            int k = n - 1;
            while (k >= 0 && pick[k] == options.length - 1) {
                k--;
            }
            if (k < 0) {
                return best;
            }
            pick[k]++;
            for (int i = k + 1; i < n; i++) {
                pick[i] = pick[k];
            }
        }
    }
}
