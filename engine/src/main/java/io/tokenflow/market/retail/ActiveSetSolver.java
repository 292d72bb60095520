package io.tokenflow.market.retail;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Exact minimisers of the users' potential Φ(f) = Σ c_e f_e + Σ_j (k_j/2)[(Σ_i f_ij)² + Σ_i f_ij²] over
 * Σ_j f_ij = D_i, by active sets on the structure of {@link SupportSystem}.
 *
 * <p>{@link #equilibrium} first guesses the support by a few sweeps of best responses (each user's exact
 * water-filling answer to the others: block coordinate descent on Φ), then runs primal-dual active-set
 * steps (solve on the support, keep the pairs with f ≥ 0, add those with negative reduced cost), which
 * usually end in two or three solves. Primal-dual steps can cycle on a matrix that is not an M-matrix,
 * as Φ's Hessian is not, so a repeated support or too many steps hand over to the primal active-set
 * method ({@link #primal}), which cannot cycle on a strictly convex problem and ends in finitely many
 * steps. Either way the answer is a support on which the KKT conditions hold to {@link #TOLERANCE}:
 * f ≥ 0 on it, reduced cost ≥ 0 off it.
 *
 * <p>Stateless; thread-safe.
 */
final class ActiveSetSolver {
    /** Relative tolerance of the KKT checks (flows are scaled to at most 1; costs by their scale). */
    static final double TOLERANCE = 1e-10;
    private static final int SWEEPS = 4;
    private static final int PRIMAL_DUAL_STEPS = 30;

    private ActiveSetSolver() {}

    /** A solved support: its system (factored) and the solution on it. */
    record Result(boolean[] support, SupportSystem system, SupportSystem.Point point, int solves) {}

    /** The equilibrium for pair costs {@code c}, starting from {@code warm} (a support) when not null. */
    static Result equilibrium(CompiledGame g, double[] c, boolean[] warm) {
        double tolR = TOLERANCE * g.costScale(c);
        double[] start = warm == null ? bestResponses(g, c) : null;
        boolean[] s = warm != null ? warm.clone() : supportOf(start);
        Set<BitSet> seen = new HashSet<>();
        int solves = 0;
        for (int step = 0; step < PRIMAL_DUAL_STEPS; step++) {
            coverEveryUser(g, c, s);
            if (!seen.add(bits(s))) {
                break;
            }
            SupportSystem system = new SupportSystem(g, s);
            SupportSystem.Point p = new SupportSystem.Point(g);
            system.solve(c, g.demand, p);
            solves++;
            boolean[] next = s.clone();
            boolean optimal = true;
            for (int e = 0; e < g.pairs; e++) {
                if (s[e] && p.f[e] < -TOLERANCE) {
                    next[e] = false;
                    optimal = false;
                } else if (!s[e] && p.reduced[e] < -tolR) {
                    next[e] = true;
                    optimal = false;
                }
            }
            if (optimal) {
                clamp(p.f);
                return new Result(s, system, p, solves);
            }
            s = next;
        }
        if (start == null) {
            start = bestResponses(g, c);
        }
        Result r = primal(g, c, g.demand, start, supportOf(start), null, null);
        return new Result(r.support(), r.system(), r.point(), solves + r.solves());
    }

    /**
     * The primal active-set method: minimises ½fᵀHf + cᵀf with Σ_j f_ij = D_i, from the feasible {@code f0}
     * whose support is {@code s0}; pairs marked {@code free} may go negative (they are never blocked),
     * pairs marked {@code fixed} stay at 0, the rest are ≥ 0. Each step solves on the working support and
     * moves towards that solution until a pair would turn negative (it leaves), or, at the solution, adds
     * the pair of most negative reduced cost; Φ falls at every moving step, so no support repeats.
     */
    static Result primal(CompiledGame g, double[] c, double[] demand, double[] f0, boolean[] s0, boolean[] free,
            boolean[] fixed) {
        double tolR = TOLERANCE * g.costScale(c);
        double[] f = f0.clone();
        boolean[] s = s0.clone();
        int limit = 20 * g.pairs + 100;
        for (int step = 0; step < limit; step++) {
            SupportSystem system = new SupportSystem(g, s);
            SupportSystem.Point p = new SupportSystem.Point(g);
            system.solve(c, demand, p);
            double alpha = 1;
            int blocking = -1;
            boolean moved = false;
            // flows are at most 1 after scaling, but a sensitivity problem's derivatives may be larger
            double tolF = TOLERANCE * Math.max(1, Math.max(maxAbs(f), maxAbs(p.f)));
            for (int e = 0; e < g.pairs; e++) {
                if (!s[e]) {
                    continue;
                }
                double d = p.f[e] - f[e];
                if (Math.abs(d) > tolF) {
                    moved = true;
                }
                if (d < -tolF && (free == null || !free[e])) {
                    double t = Math.max(f[e], 0) / -d;
                    if (t < alpha) {
                        alpha = t;
                        blocking = e;
                    }
                }
            }
            if (moved) {
                for (int e = 0; e < g.pairs; e++) {
                    if (s[e]) {
                        f[e] += alpha * (p.f[e] - f[e]);
                    }
                }
                if (blocking >= 0) {
                    f[blocking] = 0;
                    s[blocking] = false;
                    continue;
                }
            }
            // at the minimiser on the working support (a full step lands on it): optimal unless a pair held at 0
            // has a negative reduced cost, in which case the most negative one joins
            int entering = -1;
            double most = -tolR;
            for (int e = 0; e < g.pairs; e++) {
                if (!s[e] && (fixed == null || !fixed[e]) && p.reduced[e] < most) {
                    most = p.reduced[e];
                    entering = e;
                }
            }
            if (entering < 0) {
                if (free == null) {
                    clamp(p.f);
                }
                return new Result(s, system, p, step + 1);
            }
            s[entering] = true;
        }
        throw new IllegalStateException("the primal active-set method did not finish in " + limit + " steps");
    }

    /**
     * A feasible point near the equilibrium: {@link #SWEEPS} rounds in which each user in turn takes its
     * exact best response to the others (min Σ_j a_ij f_ij + k_j f_ij², a = c + k F_others, by water-filling).
     */
    static double[] bestResponses(CompiledGame g, double[] c) {
        double[] f = new double[g.pairs];
        double[] load = new double[g.m];
        int widest = 0;
        for (int i = 0; i < g.n; i++) {
            widest = Math.max(widest, g.userStart[i + 1] - g.userStart[i]);
        }
        double[] a = new double[widest];
        Integer[] order = new Integer[widest];
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int i = 0; i < g.n; i++) {
                int from = g.userStart[i];
                int count = g.userStart[i + 1] - from;
                for (int q = 0; q < count; q++) {
                    int e = from + q;
                    int j = g.pairProvider[e];
                    load[j] -= f[e];
                    a[q] = c[e] + g.slope[j] * load[j];
                    order[q] = q;
                }
                Arrays.sort(order, 0, count, (x, y) -> Double.compare(a[x], a[y]));
                // x_e = (μ − a_e) / (2 k_e) on the cheapest t pairs; μ from Σ x = D_i
                double num = g.demand[i];
                double den = 0;
                double mu = 0;
                for (int t = 0; t < count; t++) {
                    int q = order[t];
                    double w = 1 / (2 * g.slope[g.pairProvider[from + q]]);
                    num += a[q] * w;
                    den += w;
                    mu = num / den;
                    if (t + 1 == count || mu <= a[order[t + 1]]) {
                        break;
                    }
                }
                for (int q = 0; q < count; q++) {
                    int e = from + q;
                    int j = g.pairProvider[e];
                    f[e] = Math.max(0, (mu - a[q]) / (2 * g.slope[j]));
                    load[j] += f[e];
                }
            }
        }
        return f;
    }

    private static void coverEveryUser(CompiledGame g, double[] c, boolean[] s) {
        for (int i = 0; i < g.n; i++) {
            int best = -1;
            for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                if (s[e]) {
                    best = -2;
                    break;
                }
                if (best < 0 || c[e] < c[best]) {
                    best = e;
                }
            }
            if (best >= 0) {
                s[best] = true;
            }
        }
    }

    static boolean[] supportOf(double[] f) {
        boolean[] s = new boolean[f.length];
        for (int e = 0; e < f.length; e++) {
            s[e] = f[e] > 0;
        }
        return s;
    }

    private static BitSet bits(boolean[] s) {
        BitSet b = new BitSet(s.length);
        for (int e = 0; e < s.length; e++) {
            if (s[e]) {
                b.set(e);
            }
        }
        return b;
    }

    static double maxAbs(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static void clamp(double[] f) {
        for (int e = 0; e < f.length; e++) {
            if (f[e] < 0) {
                f[e] = 0;
            }
        }
    }
}
