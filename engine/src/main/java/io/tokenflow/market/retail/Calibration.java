package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Fits the users' weights (w_q, w_d; w_p = 1) and the providers' values b_j to observed days so that the
 * equilibrium the game predicts reproduces the observed flows.
 *
 * <p>Two stages. First, the observed flows are taken to be an equilibrium: on every user-day, the pairs in
 * use have equal marginal cost p_j + w_d d_ij − b_j + w_q (F_j + f_ij)/α_j, which is linear in (w_q, w_d, b);
 * differencing each pair against its user-day's mean removes the unknown common level λ, and linear least
 * squares gives a starting point (exact on noise-free data). PriLLM starts instead from an LP for the
 * smallest b under unit weights. Second, Levenberg–Marquardt on the squared error of the predicted flows,
 * Σ_t ‖F*(θ) − F_t‖², with the Jacobian of the equilibrium from its own KKT system on the current support
 * (piecewise exact, as the paper's implicit differentiation). w_q is fitted as log w_q to stay positive.
 *
 * <p>Identification: adding a constant to every b_j changes no flow, so the values are reported with the
 * smallest identified value at 0. A provider's value is identified when some user with another provider
 * available was seen using it; a provider never seen in use is reported with the largest value at which it
 * stays unused ({@code atMost}); one seen only as a user's sole option has no bound at all.
 *
 * <p>Stateless; thread-safe.
 */
public final class Calibration {
    private Calibration() {}

    /**
     * The fit.
     *
     * @param r2                 1 − Σ(pred − obs)² / Σ(obs − mean obs)² over every available pair of every day
     * @param maeTokensPerSecond the mean |pred − obs| over the same pairs
     * @param iterations         Levenberg–Marquardt steps taken
     * @param heldOut            the same statistics on days held out of the fit, when asked for
     */
    public record Result(RetailGame.Weights weights, List<FittedValue> values, double r2, double maeTokensPerSecond,
            int days, int pairs, int iterations, java.util.Optional<Fit> heldOut) {

        public Result {
            values = List.copyOf(values);
        }

        /** The fitted values by provider id (unidentified ones at their bound, or 0). */
        public Map<String, Double> valueMap() {
            Map<String, Double> out = new LinkedHashMap<>();
            values.forEach(v -> out.put(v.provider(), v.value()));
            return out;
        }
    }

    /**
     * A provider's fitted value.
     *
     * @param atMost for a provider never seen in use: the largest value at which it stays unused every day
     */
    public record FittedValue(String provider, double value, boolean identified, OptionalDouble atMost) {}

    /**
     * Prediction statistics on a set of days.
     *
     * @param maxErrorShareOfDemand the largest |pred − obs| of a pair as a share of its user's demand
     */
    public record Fit(int days, double r2, double maeTokensPerSecond, double maxErrorShareOfDemand) {}

    /** Fits every day. */
    public static Result fit(List<Observation> days) {
        return fit(days, 0);
    }

    /** Fits all but the last {@code holdOut} days and reports the prediction on those too. */
    public static Result fit(List<Observation> days, int holdOut) {
        if (days.isEmpty()) {
            throw new InvalidGameException("observations must list at least one day");
        }
        if (holdOut < 0 || holdOut >= days.size()) {
            throw new InvalidGameException("holdOut must be within [0, " + (days.size() - 1) + "], got " + holdOut);
        }
        List<Observation> train = days.subList(0, days.size() - holdOut);
        List<Observation> test = days.subList(days.size() - holdOut, days.size());
        List<String> providers = providerIds(days);
        CalibrationFit fit = new CalibrationFit(train, providers);
        fit.run();
        Map<String, Double> values = fit.values();
        RetailGame.Weights w = fit.weights();
        Fit inSample = statistics(train, w, values);
        java.util.Optional<Fit> outOfSample = holdOut == 0 ? java.util.Optional.empty()
                : java.util.Optional.of(statistics(test, w, values));
        return new Result(w, fit.report(), inSample.r2(), inSample.maeTokensPerSecond(), train.size(), fit.pairCount(),
                fit.iterations(), outOfSample);
    }

    /** How well the game with these weights and values predicts the observed flows of {@code days}. */
    public static Fit statistics(List<Observation> days, RetailGame.Weights weights, Map<String, Double> values) {
        List<double[]> predicted = new ArrayList<>();
        List<double[]> observed = new ArrayList<>();
        List<double[]> demand = new ArrayList<>();
        for (Observation day : days) {
            CompiledGame g = new CompiledGame(day.toGame(weights, values));
            double[] f = ActiveSetSolver.equilibrium(g, g.costs(g.game.postedPrices()), null).point().f.clone();
            double[] d = new double[g.pairs];
            for (int e = 0; e < g.pairs; e++) {
                f[e] *= g.scale;
                d[e] = g.demand[g.pairUser[e]] * g.scale;
            }
            predicted.add(f);
            observed.add(day.observedFlows());
            demand.add(d);
        }
        double sum = 0;
        long count = 0;
        for (double[] o : observed) {
            for (double v : o) {
                sum += v;
                count++;
            }
        }
        double mean = sum / count;
        double residual = 0;
        double total = 0;
        double absolute = 0;
        double worst = 0;
        for (int t = 0; t < observed.size(); t++) {
            for (int e = 0; e < observed.get(t).length; e++) {
                double err = predicted.get(t)[e] - observed.get(t)[e];
                residual += err * err;
                total += (observed.get(t)[e] - mean) * (observed.get(t)[e] - mean);
                absolute += Math.abs(err);
                worst = Math.max(worst, Math.abs(err) / demand.get(t)[e]);
            }
        }
        double r2 = total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total;
        return new Fit(days.size(), r2, absolute / count, worst);
    }

    private static List<String> providerIds(List<Observation> days) {
        Set<String> ids = new LinkedHashSet<>();
        days.forEach(d -> d.providers().forEach(p -> ids.add(p.id())));
        return List.copyOf(ids);
    }
}
