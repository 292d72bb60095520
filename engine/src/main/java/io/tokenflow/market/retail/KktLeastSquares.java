package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Calibration's starting point: the observed flows taken as an equilibrium. On every user-day the pairs in use
 * have equal marginal cost p_j + w_d d_ij − b_j + w_q (F_j + f_ij)/α_j = λ, linear in (w_q, w_d, b);
 * subtracting each user-day's mean removes λ, and linear least squares (normal equations, EJML Cholesky)
 * solves for the rest. Exact when the observations are an equilibrium. Stateless.
 */
final class KktLeastSquares {
    private KktLeastSquares() {}

    /**
     * θ = (w_q, w_d, b for the providers with a parameter index), or null when no user-day used two providers
     * (then nothing here identifies anything).
     *
     * @param parameter each provider's index in θ, or -1 for a value held at 0 (the anchor, the unidentified)
     */
    static double[] solve(List<Observation> days, Map<String, Integer> index, int[] parameter, int size) {
        List<double[]> rows = new ArrayList<>();
        List<Double> rhs = new ArrayList<>();
        for (Observation day : days) {
            Map<String, Observation.ObservedProvider> ps = new HashMap<>();
            day.providers().forEach(p -> ps.put(p.id(), p));
            Map<String, Double> load = new HashMap<>();
            day.flows().forEach(f -> load.merge(f.provider(), f.tokensPerSecond(), Double::sum));
            Map<String, List<UserEquilibrium.Flow>> byUser = new LinkedHashMap<>();
            day.flows().stream().filter(f -> f.tokensPerSecond() > 0)
                    .forEach(f -> byUser.computeIfAbsent(f.user(), u -> new ArrayList<>()).add(f));
            Map<String, RetailGame.User> users = new HashMap<>();
            day.users().forEach(u -> users.put(u.id(), u));
            for (List<UserEquilibrium.Flow> group : byUser.values()) {
                if (group.size() < 2) {
                    continue;
                }
                List<double[]> raw = new ArrayList<>();
                double[] mean = new double[size + 1];
                for (UserEquilibrium.Flow f : group) {
                    Observation.ObservedProvider p = ps.get(f.provider());
                    double[] r = new double[size + 1];
                    r[0] = (load.get(f.provider()) + f.tokensPerSecond()) / p.capacity(); // × w_q
                    r[1] = users.get(f.user()).delayMs().get(f.provider()); // × w_d
                    int k = parameter[index.get(f.provider())];
                    if (k >= 0) {
                        r[k] = -1; // × b_j
                    }
                    r[size] = -p.price(); // the known part, moved to the right
                    raw.add(r);
                    for (int c = 0; c <= size; c++) {
                        mean[c] += r[c] / group.size();
                    }
                }
                for (double[] r : raw) {
                    double[] row = new double[size];
                    for (int c = 0; c < size; c++) {
                        row[c] = r[c] - mean[c];
                    }
                    rows.add(row);
                    rhs.add(r[size] - mean[size]);
                }
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        DMatrixRMaj a = new DMatrixRMaj(rows.size(), size);
        DMatrixRMaj b = new DMatrixRMaj(rows.size(), 1);
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, a.data, r * size, size);
            b.data[r] = rhs.get(r);
        }
        return ridgeSolve(a, b);
    }

    static double maxDiagonal(DMatrixRMaj a) {
        double max = 0;
        for (int k = 0; k < a.numRows; k++) {
            max = Math.max(max, a.get(k, k));
        }
        return max;
    }

    private static double[] ridgeSolve(DMatrixRMaj a, DMatrixRMaj b) {
        int p = a.numCols;
        DMatrixRMaj ata = new DMatrixRMaj(p, p);
        CommonOps_DDRM.multTransA(a, a, ata);
        DMatrixRMaj atb = new DMatrixRMaj(p, 1);
        CommonOps_DDRM.multTransA(a, b, atb);
        // a column no equation touches (a value seen only alone) would make AᵀA singular: a tiny ridge pins it at 0
        double ridge = 1e-10 * Math.max(1e-300, maxDiagonal(ata));
        for (int k = 0; k < p; k++) {
            ata.add(k, k, ridge);
        }
        DMatrixRMaj x = new DMatrixRMaj(p, 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(p);
        if (!solver.setA(ata)) {
            return new double[p];
        }
        solver.solve(atb, x);
        return x.data;
    }
}
