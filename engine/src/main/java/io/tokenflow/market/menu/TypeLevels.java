package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The distinct values θ of a problem's types, ascending, each with its total share and its virtual
 * coefficient. Types of equal θ are one level: incentive compatibility gives them the same utility, so
 * they must buy the same tier (a split between two tiers at equal utility is undone by the tie rule).
 */
final class TypeLevels {
    final double[] theta;
    final double[] share;
    /**
     * a_k = f_k·θ_k − (θ_{k+1} − θ_k)·S_{k+1}, S_{k+1} the share above level k: with prices set by the
     * binding downward constraints, the expected revenue is Σ_k a_k·v(T_k) (each level pays its own value
     * less the information rent every level above it earns over it).
     */
    final double[] virtual;
    /** The indices into the problem's types of each level's members, ascending. */
    final int[][] members;

    private TypeLevels(double[] theta, double[] share, int[][] members) {
        this.theta = theta;
        this.share = share;
        this.members = members;
        int n = theta.length;
        virtual = new double[n];
        double above = 0;
        for (int k = n - 1; k >= 0; k--) {
            double gap = k == n - 1 ? 0 : theta[k + 1] - theta[k];
            virtual[k] = share[k] * theta[k] - gap * above;
            above += share[k];
        }
    }

    static TypeLevels of(List<UserType> types) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> types.get(i).valuePerRequest()).thenComparingInt(i -> i));
        List<double[]> levels = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        for (int i : order) {
            UserType t = types.get(i);
            if (levels.isEmpty() || levels.get(levels.size() - 1)[0] != t.valuePerRequest()) {
                levels.add(new double[] {t.valuePerRequest(), 0});
                members.add(new ArrayList<>());
            }
            levels.get(levels.size() - 1)[1] += t.share();
            members.get(members.size() - 1).add(i);
        }
        int n = levels.size();
        double[] theta = new double[n];
        double[] share = new double[n];
        int[][] ids = new int[n][];
        for (int k = 0; k < n; k++) {
            theta[k] = levels.get(k)[0];
            share[k] = levels.get(k)[1];
            ids[k] = members.get(k).stream().mapToInt(Integer::intValue).toArray();
        }
        return new TypeLevels(theta, share, ids);
    }

    int size() {
        return theta.length;
    }
}
