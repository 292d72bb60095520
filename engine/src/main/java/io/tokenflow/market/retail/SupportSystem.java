package io.tokenflow.market.retail;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The equilibrium's KKT system on one support S (the pairs allowed positive flow; the others held at 0),
 * reduced to the providers and factored once, so that any cost vector and demand vector can be solved
 * for at the cost of a triangular solve.
 *
 * <p>On S the conditions are c_ij + k_j (F_j + f_ij) = λ_i and Σ_j f_ij = D_i. Eliminating f and λ:
 * f_ij = (λ_i − c_ij)/k_j − F_j and λ_i = (D_i + Σ_{j∈S_i} (c_ij/k_j + F_j)) / s_i with s_i = Σ_{j∈S_i} 1/k_j,
 * which leaves, for each provider j used by some user, k_j (1 + n_j) F_j − Σ_{i∈U_j} Σ_{l∈S_i} F_l / s_i =
 * Σ_{i∈U_j} ((D_i + Σ_{l∈S_i} c_il/k_l) / s_i − c_ij). Its matrix K is symmetric, and positive definite
 * (by Cauchy–Schwarz xᵀKx ≥ Σ_j k_j x_j²), so a Cholesky factor always exists: one dense solve of the
 * size of the providers in use, whatever the number of users.
 *
 * <p>Not thread-safe (the factor's work arrays are reused).
 */
final class SupportSystem {
    private final CompiledGame g;
    final boolean[] support;
    /** Provider j's row in K, or -1 when no user has it in the support. */
    private final int[] row;
    private final int size;
    private final double[] inverseSum;
    private final LinearSolverDense<DMatrixRMaj> cholesky;

    /** A solution of the system: per pair f (0 off the support) and r, per user λ, per provider F. */
    static final class Point {
        final double[] f;
        final double[] lambda;
        final double[] load;
        final double[] reduced;

        Point(CompiledGame g) {
            f = new double[g.pairs];
            lambda = new double[g.n];
            load = new double[g.m];
            reduced = new double[g.pairs];
        }
    }

    /**
     * Factors the system of {@code support}, which must give every user at least one pair.
     *
     * @throws IllegalStateException if a user has no pair in the support or K is not positive definite
     *                               (neither can happen for a valid support: a bug)
     */
    SupportSystem(CompiledGame g, boolean[] support) {
        this.g = g;
        this.support = support;
        row = new int[g.m];
        java.util.Arrays.fill(row, -1);
        int[] users = new int[g.m];
        inverseSum = new double[g.n];
        int used = 0;
        for (int i = 0; i < g.n; i++) {
            double sum = 0;
            for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                if (support[e]) {
                    int j = g.pairProvider[e];
                    sum += 1 / g.slope[j];
                    if (row[j] < 0) {
                        row[j] = used++;
                    }
                    users[j]++;
                }
            }
            if (sum == 0) {
                throw new IllegalStateException("support gives user " + i + " no provider");
            }
            inverseSum[i] = 1 / sum;
        }
        size = used;
        DMatrixRMaj k = new DMatrixRMaj(size, size);
        double[] data = k.data;
        for (int j = 0; j < g.m; j++) {
            if (row[j] >= 0) {
                data[row[j] * size + row[j]] = g.slope[j] * (1 + users[j]);
            }
        }
        int[] rows = new int[g.m];
        for (int i = 0; i < g.n; i++) {
            int count = 0;
            for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                if (support[e]) {
                    rows[count++] = row[g.pairProvider[e]];
                }
            }
            double w = inverseSum[i];
            for (int a = 0; a < count; a++) {
                int base = rows[a] * size;
                for (int b = 0; b < count; b++) {
                    data[base + rows[b]] -= w;
                }
            }
        }
        cholesky = LinearSolverFactory_DDRM.symmPosDef(size);
        if (!cholesky.setA(k)) {
            throw new IllegalStateException("the support's reduced KKT matrix is not positive definite");
        }
    }

    /** Solves for one cost vector and demand vector into {@code out} (reduced costs included). */
    void solve(double[] c, double[] demand, Point out) {
        solve(new double[][] {c}, new double[][] {demand}, new Point[] {out});
    }

    /** Solves for several right-hand sides at once (one triangular solve each, one factor). */
    void solve(double[][] costs, double[][] demands, Point[] out) {
        int r = costs.length;
        DMatrixRMaj b = new DMatrixRMaj(size, r);
        double[][] base = new double[r][g.n];
        for (int i = 0; i < g.n; i++) {
            double w = inverseSum[i];
            for (int q = 0; q < r; q++) {
                double sum = demands[q] == null ? 0 : demands[q][i];
                for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                    if (support[e]) {
                        sum += costs[q][e] / g.slope[g.pairProvider[e]];
                    }
                }
                base[q][i] = sum * w;
                for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                    if (support[e]) {
                        b.data[row[g.pairProvider[e]] * r + q] += base[q][i] - costs[q][e];
                    }
                }
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(size, r);
        if (size > 0) {
            cholesky.solve(b, x);
        }
        for (int q = 0; q < r; q++) {
            Point p = out[q];
            double[] c = costs[q];
            for (int j = 0; j < g.m; j++) {
                p.load[j] = row[j] < 0 ? 0 : x.data[row[j] * r + q];
            }
            for (int i = 0; i < g.n; i++) {
                double sum = 0;
                for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                    if (support[e]) {
                        sum += p.load[g.pairProvider[e]];
                    }
                }
                double lambda = base[q][i] + sum * inverseSum[i];
                p.lambda[i] = lambda;
                for (int e = g.userStart[i]; e < g.userStart[i + 1]; e++) {
                    int j = g.pairProvider[e];
                    if (support[e]) {
                        p.f[e] = (lambda - c[e]) / g.slope[j] - p.load[j];
                        p.reduced[e] = 0;
                    } else {
                        p.f[e] = 0;
                        p.reduced[e] = c[e] + g.slope[j] * p.load[j] - lambda;
                    }
                }
            }
        }
    }

    /** The number of providers in use (the order of the factored matrix). */
    int order() {
        return size;
    }
}
