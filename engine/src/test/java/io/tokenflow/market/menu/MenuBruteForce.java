package io.tokenflow.market.menu;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverParameters;
import com.google.ortools.linearsolver.MPVariable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reference the solver is proven against, sharing none of its theory: every allocation of a cap (or
 * nothing) to every type, each priced by a linear program over all incentive and participation
 * constraints (OR-Tools GLOP), the best profit kept. Only for tiny problems: options^types LPs.
 */
final class MenuBruteForce {
    private static boolean loaded;

    /** The best profit and the allocation reaching it (cap per type, in the problem's order). */
    record Best(double profit, long[] caps, double[] prices, int lps) {}

    private MenuBruteForce() {}

    /** Every allocation, monotone or not; {@code monotoneOnly} keeps those whose caps rise with θ. */
    static Best solve(MenuProblem p, boolean monotoneOnly) {
        load();
        List<Long> options = new ArrayList<>();
        options.add(0L);
        for (int i = 0; i < p.caps().size(); i++) {
            if (p.caps().cap(i) > 0) {
                options.add(p.caps().cap(i));
            }
        }
        int n = p.types().size();
        int[] pick = new int[n];
        Best best = new Best(0, new long[n], new double[n], 0);
        int lps = 0;
        while (true) {
            long[] caps = new long[n];
            for (int i = 0; i < n; i++) {
                caps[i] = options.get(pick[i]);
            }
            if (allowed(p, caps, monotoneOnly)) {
                lps++;
                double[] prices = new double[n];
                Double profit = price(p, caps, prices);
                if (profit != null && profit > best.profit() + 1e-13) {
                    best = new Best(profit, caps, prices, 0);
                }
            }
            int k = 0;
            while (k < n && ++pick[k] == options.size()) {
                pick[k++] = 0;
            }
            if (k == n) {
                break;
            }
        }
        return new Best(best.profit(), best.caps(), best.prices(), lps);
    }

    private static boolean allowed(MenuProblem p, long[] caps, boolean monotoneOnly) {
        Set<Long> distinct = new HashSet<>();
        for (long c : caps) {
            if (c > 0) {
                distinct.add(c);
            }
        }
        if (p.maxTiers().isPresent() && distinct.size() > p.maxTiers().getAsInt()) {
            return false;
        }
        if (monotoneOnly) {
            for (int i = 0; i < caps.length; i++) {
                for (int j = 0; j < caps.length; j++) {
                    double ti = p.types().get(i).valuePerRequest();
                    double tj = p.types().get(j).valuePerRequest();
                    if (ti < tj && caps[i] > caps[j]) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * max Σ f_i P_i − Σ f_i c T_i / 10⁶ over prices P for the fixed caps T; null when no prices make the
     * allocation incentive compatible. Fills {@code prices}.
     */
    static Double price(MenuProblem p, long[] caps, double[] prices) {
        int n = caps.length;
        MPSolver solver = MPSolver.createSolver("GLOP");
        try {
            MPVariable[] price = new MPVariable[n];
            for (int i = 0; i < n; i++) {
                // nothing is free: P_i = 0 when T_i = 0
                price[i] = caps[i] == 0 ? solver.makeNumVar(0, 0, "P" + i)
                        : solver.makeNumVar(-MPSolver.infinity(), MPSolver.infinity(), "P" + i);
            }
            for (int i = 0; i < n; i++) {
                double theta = p.types().get(i).valuePerRequest();
                double own = theta * p.value().value(caps[i]);
                // IR_i: θ_i v(T_i) − P_i ≥ 0  ⇔  P_i ≤ θ_i v(T_i)
                MPConstraint ir = solver.makeConstraint(-MPSolver.infinity(), own, "IR" + i);
                ir.setCoefficient(price[i], 1);
                for (int j = 0; j < n; j++) {
                    if (j == i || caps[j] == caps[i]) {
                        continue; // the same tier: equal prices follow from the pair's two constraints below
                    }
                    // IC_ij: θ_i v(T_i) − P_i ≥ θ_i v(T_j) − P_j  ⇔  P_i − P_j ≤ θ_i (v(T_i) − v(T_j))
                    MPConstraint ic = solver.makeConstraint(-MPSolver.infinity(),
                            own - theta * p.value().value(caps[j]), "IC" + i + "_" + j);
                    ic.setCoefficient(price[i], 1);
                    ic.setCoefficient(price[j], -1);
                }
                for (int j = 0; j < n; j++) {
                    if (j != i && caps[j] == caps[i] && caps[i] > 0) {
                        // one tier, one price: P_i − P_j = 0
                        MPConstraint same = solver.makeConstraint(0, 0, "same" + i + "_" + j);
                        same.setCoefficient(price[i], 1);
                        same.setCoefficient(price[j], -1);
                    }
                }
            }
            MPObjective objective = solver.objective();
            for (int i = 0; i < n; i++) {
                objective.setCoefficient(price[i], p.types().get(i).share());
            }
            objective.setMaximization();
            MPSolverParameters params = new MPSolverParameters();
            params.setDoubleParam(MPSolverParameters.DoubleParam.PRIMAL_TOLERANCE, 1e-12);
            params.setDoubleParam(MPSolverParameters.DoubleParam.DUAL_TOLERANCE, 1e-12);
            MPSolver.ResultStatus status = solver.solve(params);
            if (status == MPSolver.ResultStatus.INFEASIBLE) {
                return null;
            }
            if (status != MPSolver.ResultStatus.OPTIMAL) {
                throw new IllegalStateException("GLOP ended " + status + " on caps " + java.util.Arrays.toString(caps));
            }
            double profit = objective.value();
            for (int i = 0; i < n; i++) {
                prices[i] = price[i].solutionValue();
                profit -= p.types().get(i).share() * p.costPerMTokens() * caps[i] / 1e6;
            }
            return profit;
        } finally {
            solver.delete();
        }
    }

    private static synchronized void load() {
        if (!loaded) {
            Loader.loadNativeLibraries();
            loaded = true;
        }
    }
}
