package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * One calibration run (see {@link Calibration}): the KKT least-squares start, then Levenberg–Marquardt on
 * the predicted flows. Parameters θ = (log w_q, w_d, b_j for the identified providers but the first, whose
 * value anchors the others). Not thread-safe; used once.
 */
final class CalibrationFit {
    private static final int MAX_ITERATIONS = 200;

    private final List<Observation> days;
    /** The days without their never-used providers, which the fit leaves out (they stay at 0 either way). */
    private final List<Observation> fitDays;
    private final List<String> providers;
    private final boolean[] identified;
    private final boolean[] used;
    /** Parameter index of each provider's value, or -1 when it is held (anchor, unidentified). */
    private final int[] parameter;
    private final int size;
    private double logCongestion;
    private double delay;
    private final double[] value;
    private int iterations;
    private int pairCount;

    CalibrationFit(List<Observation> days, List<String> providers) {
        this.days = days;
        this.providers = providers;
        int m = providers.size();
        identified = new boolean[m];
        used = new boolean[m];
        value = new double[m];
        Map<String, Integer> index = index();
        for (Observation day : days) {
            Map<String, Integer> available = new HashMap<>();
            day.users().forEach(u -> available.put(u.id(), u.delayMs().size()));
            for (UserEquilibrium.Flow f : day.flows()) {
                if (f.tokensPerSecond() > 0) {
                    int j = index.get(f.provider());
                    used[j] = true;
                    identified[j] |= available.get(f.user()) > 1;
                }
            }
        }
        parameter = new int[m];
        int next = 2;
        boolean anchored = false;
        for (int j = 0; j < m; j++) {
            if (identified[j] && anchored) {
                parameter[j] = next++;
            } else {
                parameter[j] = -1;
                anchored |= identified[j];
            }
        }
        size = next;
        fitDays = days.stream().map(this::withoutUnused).toList();
    }

    void run() {
        start();
        levenbergMarquardt();
    }

    /** The KKT least-squares start (exact on noise-free data); defaults where it says nothing. */
    private void start() {
        double[] x = KktLeastSquares.solve(days, index(), parameter, size);
        double congestion = 1;
        if (x != null) {
            congestion = x[0] > 0 && Double.isFinite(x[0]) ? x[0] : 1;
            delay = Double.isFinite(x[1]) ? Math.max(0, x[1]) : 0;
            for (int j = 0; j < providers.size(); j++) {
                value[j] = parameter[j] >= 0 && Double.isFinite(x[parameter[j]]) ? x[parameter[j]] : 0;
            }
        }
        logCongestion = Math.log(congestion);
    }

    private void levenbergMarquardt() {
        double[] theta = theta();
        Evaluation current = evaluate(theta, true);
        pairCount = current.residual.length;
        double mu = 1e-3;
        double scale = 0;
        for (Observation d : fitDays) {
            for (double f : d.observedFlows()) {
                scale += f * f;
            }
        }
        for (iterations = 0; iterations < MAX_ITERATIONS && current.cost > 1e-28 * scale; iterations++) {
            int n = current.residual.length;
            DMatrixRMaj jac = DMatrixRMaj.wrap(n, size, current.jacobian);
            DMatrixRMaj jtj = new DMatrixRMaj(size, size);
            CommonOps_DDRM.multTransA(jac, jac, jtj);
            DMatrixRMaj jtr = new DMatrixRMaj(size, 1);
            CommonOps_DDRM.multTransA(jac, DMatrixRMaj.wrap(n, 1, current.residual), jtr);
            boolean accepted = false;
            for (int tries = 0; tries < 30 && !accepted; tries++) {
                DMatrixRMaj damped = jtj.copy();
                for (int k = 0; k < size; k++) {
                    damped.add(k, k, mu * Math.max(jtj.get(k, k), 1e-12 * (1 + KktLeastSquares.maxDiagonal(jtj))));
                }
                DMatrixRMaj step = new DMatrixRMaj(size, 1);
                LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(size);
                if (!solver.setA(damped)) {
                    mu *= 10;
                    continue;
                }
                solver.solve(jtr, step);
                double[] trial = theta.clone();
                for (int k = 0; k < size; k++) {
                    trial[k] -= step.data[k];
                }
                trial[1] = Math.max(0, trial[1]);
                Evaluation next = evaluate(trial, true);
                if (next.cost < current.cost) {
                    double drop = current.cost - next.cost;
                    theta = trial;
                    current = next;
                    mu = Math.max(mu / 3, 1e-12);
                    accepted = true;
                    if (drop <= 1e-15 * current.cost) {
                        iterations++;
                        set(theta);
                        return;
                    }
                } else {
                    mu *= 4;
                }
            }
            if (!accepted) {
                break;
            }
        }
        set(theta);
    }

    /** Residuals f*(θ) − f_obs over every available pair of every day, and their Jacobian (row-major). */
    private record Evaluation(double[] residual, double[] jacobian, double cost) {}

    private Evaluation evaluate(double[] theta, boolean withJacobian) {
        set(theta);
        RetailGame.Weights w = weights();
        Map<String, Double> values = rawValues();
        List<double[]> residuals = new ArrayList<>();
        List<double[][]> jacobians = new ArrayList<>();
        int total = 0;
        double cost = 0;
        Map<String, Integer> index = index();
        for (Observation day : fitDays) {
            CompiledGame g = new CompiledGame(day.toGame(w, values));
            ActiveSetSolver.Result r = ActiveSetSolver.equilibrium(g, g.costs(g.game.postedPrices()), null);
            double[] observed = day.observedFlows();
            double[] res = new double[g.pairs];
            for (int e = 0; e < g.pairs; e++) {
                res[e] = r.point().f[e] * g.scale - observed[e];
                cost += 0.5 * res[e] * res[e];
            }
            residuals.add(res);
            total += g.pairs;
            if (withJacobian) {
                jacobians.add(jacobian(g, r, index));
            }
        }
        double[] residual = new double[total];
        double[] jacobian = new double[total * size];
        int at = 0;
        for (int t = 0; t < residuals.size(); t++) {
            double[] res = residuals.get(t);
            System.arraycopy(res, 0, residual, at, res.length);
            if (withJacobian) {
                double[][] jt = jacobians.get(t);
                for (int e = 0; e < res.length; e++) {
                    for (int k = 0; k < size; k++) {
                        jacobian[(at + e) * size + k] = jt[k][e];
                    }
                }
            }
            at += res.length;
        }
        return new Evaluation(residual, jacobian, cost);
    }

    /**
     * ∂f/∂θ_k on the equilibrium's support: differentiating c + k (F + f) = λ, Σ f = D gives the same system
     * with cost ∂c/∂θ_k + (∂k/∂θ_k)(F + f) and zero demand (for log w_q, ∂k/∂θ = k).
     */
    private double[][] jacobian(CompiledGame g, ActiveSetSolver.Result r, Map<String, Integer> index) {
        double[][] costs = new double[size][g.pairs];
        double[][] demands = new double[size][];
        SupportSystem.Point[] out = new SupportSystem.Point[size];
        for (int e = 0; e < g.pairs; e++) {
            int j = g.pairProvider[e];
            costs[0][e] = g.slope[j] * (r.point().load[j] + r.point().f[e]);
            costs[1][e] = g.delay[e];
            int k = parameter[index.get(g.game.providers().get(j).id())];
            if (k >= 0) {
                costs[k][e] = -1;
            }
        }
        for (int k = 0; k < size; k++) {
            out[k] = new SupportSystem.Point(g);
        }
        r.system().solve(costs, demands, out);
        double[][] jac = new double[size][g.pairs];
        for (int k = 0; k < size; k++) {
            for (int e = 0; e < g.pairs; e++) {
                jac[k][e] = r.support()[e] ? out[k].f[e] * g.scale : 0;
            }
        }
        return jac;
    }

    private double[] theta() {
        double[] t = new double[size];
        t[0] = logCongestion;
        t[1] = delay;
        for (int j = 0; j < providers.size(); j++) {
            if (parameter[j] >= 0) {
                t[parameter[j]] = value[j];
            }
        }
        return t;
    }

    private void set(double[] theta) {
        logCongestion = theta[0];
        delay = theta[1];
        for (int j = 0; j < providers.size(); j++) {
            if (parameter[j] >= 0) {
                value[j] = theta[parameter[j]];
            }
        }
    }

    RetailGame.Weights weights() {
        return new RetailGame.Weights(1, Math.exp(logCongestion), delay);
    }

    /** Values as fitted, before the shift that reports them. */
    private Map<String, Double> rawValues() {
        Map<String, Double> out = new HashMap<>();
        for (int j = 0; j < providers.size(); j++) {
            out.put(providers.get(j), value[j]);
        }
        return out;
    }

    int iterations() {
        return iterations;
    }

    int pairCount() {
        return pairCount;
    }

    /** The values shifted so that the smallest identified one is 0; never-used providers at their bound. */
    Map<String, Double> values() {
        Map<String, Double> out = new LinkedHashMap<>();
        report().forEach(v -> out.put(v.provider(), v.value()));
        return out;
    }

    List<Calibration.FittedValue> report() {
        double shift = Double.POSITIVE_INFINITY;
        for (int j = 0; j < providers.size(); j++) {
            if (identified[j]) {
                shift = Math.min(shift, value[j]);
            }
        }
        if (!Double.isFinite(shift)) {
            shift = 0;
        }
        double[] bound = unusedBounds();
        List<Calibration.FittedValue> out = new ArrayList<>();
        for (int j = 0; j < providers.size(); j++) {
            if (!used[j]) {
                double b = bound[j] - shift;
                out.add(new Calibration.FittedValue(providers.get(j), b, false, OptionalDouble.of(b)));
            } else {
                out.add(new Calibration.FittedValue(providers.get(j), value[j] - shift, identified[j],
                        OptionalDouble.empty()));
            }
        }
        return out;
    }

    /** For each never-used provider: min over days and users of p_j + w_d d_ij − λ_it (it stays unused below). */
    private double[] unusedBounds() {
        double[] bound = new double[providers.size()];
        java.util.Arrays.fill(bound, Double.POSITIVE_INFINITY);
        RetailGame.Weights w = weights();
        Map<String, Double> values = rawValues();
        Map<String, Integer> index = index();
        for (int t = 0; t < days.size(); t++) {
            Observation day = days.get(t);
            CompiledGame g = new CompiledGame(fitDays.get(t).toGame(w, values));
            ActiveSetSolver.Result r = ActiveSetSolver.equilibrium(g, g.costs(g.game.postedPrices()), null);
            Map<String, Double> prices = new HashMap<>();
            day.providers().forEach(p -> prices.put(p.id(), p.price()));
            for (int i = 0; i < day.users().size(); i++) {
                RetailGame.User u = day.users().get(i);
                for (Map.Entry<String, Double> d : u.delayMs().entrySet()) {
                    int j = index.get(d.getKey());
                    if (!used[j]) {
                        bound[j] = Math.min(bound[j], prices.get(d.getKey()) + w.delay() * d.getValue()
                                - r.point().lambda[i]);
                    }
                }
            }
        }
        for (int j = 0; j < bound.length; j++) {
            if (!Double.isFinite(bound[j])) {
                bound[j] = 0;
            }
        }
        return bound;
    }

    /** The day without its never-used providers (a user keeps at least the providers it used). */
    private Observation withoutUnused(Observation day) {
        Map<String, Integer> index = index();
        List<RetailGame.User> users = new ArrayList<>();
        for (RetailGame.User u : day.users()) {
            Map<String, Double> kept = new LinkedHashMap<>();
            u.delayMs().forEach((p, d) -> {
                if (used[index.get(p)]) {
                    kept.put(p, d);
                }
            });
            users.add(new RetailGame.User(u.id(), u.demand(), kept.isEmpty() ? u.delayMs() : kept));
        }
        Map<String, RetailGame.User> byId = new HashMap<>();
        users.forEach(u -> byId.put(u.id(), u));
        List<UserEquilibrium.Flow> flows = day.flows().stream()
                .filter(f -> byId.get(f.user()).delayMs().containsKey(f.provider())).toList();
        return new Observation(day.day(), day.providers(), users, flows);
    }

    private Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < providers.size(); j++) {
            index.put(providers.get(j), j);
        }
        return index;
    }

}
