package io.tokenflow.demo;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.UnservedDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The LP optimum over the demo's window, one clearing per half (before the capacity drop and after),
 * each held for that half's seconds: what it serves and at what cost, what it sheds, and its objective
 * (served cost + the penalty of what it sheds), the quantities a strategy's outcome is set against.
 */
record LpWindow(List<Half> halves) {

    /**
     * One clearing held for {@code seconds}.
     *
     * @param objectivePerHour  the LP's objective: served cost + Σ ρ_k y_j,k
     * @param servedCostPerHour the objective without the penalty of what goes unserved
     * @param shedTokensPerSecond Σ y_j,k
     * @param processing          per site × class with capacity ("node/class"), its processing x and capacity C,
     *                            tokens/s
     */
    record Half(double objectivePerHour, double servedCostPerHour, double shedTokensPerSecond, double seconds,
            Map<String, double[]> processing) {
        Half {
            processing = Map.copyOf(processing);
        }

        /** Whether the clearing loads the site × class to its capacity (within 0.1 tok/s, its threshold of activity). */
        boolean full(String site) {
            double[] xc = processing.get(site);
            return xc != null && xc[0] >= xc[1] - 0.1;
        }

        double spare(String site) {
            double[] xc = processing.get(site);
            return xc == null ? 0 : Math.max(0, xc[1] - xc[0]);
        }
    }

    LpWindow {
        halves = List.copyOf(halves);
    }

    static Half clear(Scenario scenario, double seconds) {
        if (seconds <= 0) {
            return new Half(0, 0, 0, 0, Map.of());
        }
        ClearingResult r = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        double objective = r.objectivePerHour().orElseThrow(() -> new IllegalStateException("the LP of '"
                + scenario.name() + "' did not clear: " + r.status()));
        double shed = 0;
        double penaltyPerHour = 0;
        for (UnservedDemand u : r.unserved()) {
            shed += u.tokensPerSecond();
            penaltyPerHour += u.tokensPerSecond() / 1e6 * 3600
                    * scenario.workloadClass(u.classId()).unservedPenaltyPerMTokens().orElse(0);
        }
        Map<String, double[]> processing = new TreeMap<>();
        for (ProcessingLevel x : r.processing()) {
            if (x.capacityTokensPerSecond() > 0) {
                processing.put(x.node() + "/" + x.classId(),
                        new double[] {x.tokensPerSecond(), x.capacityTokensPerSecond()});
            }
        }
        return new Half(objective, objective - penaltyPerHour, shed, seconds, processing);
    }

    /** The objective over the window, $. */
    double objective() {
        return halves.stream().mapToDouble(h -> h.objectivePerHour() * h.seconds() / 3600).sum();
    }

    /** The served cost over the window, $. */
    double servedCost() {
        return halves.stream().mapToDouble(h -> h.servedCostPerHour() * h.seconds() / 3600).sum();
    }

    /** Tokens shed over the window. */
    double shedTokens() {
        return halves.stream().mapToDouble(h -> h.shedTokensPerSecond() * h.seconds()).sum();
    }
}
