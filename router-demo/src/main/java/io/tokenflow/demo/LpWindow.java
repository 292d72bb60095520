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
     * @param fullSites           every site × class ("node/class") the clearing loads to its capacity, with its
     *                            processing x = C, tokens/s
     */
    record Half(double objectivePerHour, double servedCostPerHour, double shedTokensPerSecond, double seconds,
            Map<String, Double> fullSites) {
        Half {
            fullSites = Map.copyOf(fullSites);
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
        Map<String, Double> full = new TreeMap<>();
        for (ProcessingLevel x : r.processing()) {
            // 0.1 tok/s: the clearing's own threshold of activity (DeliverySite.hasSpareCapacity)
            if (x.capacityTokensPerSecond() > 0 && x.tokensPerSecond() >= x.capacityTokensPerSecond() - 0.1) {
                full.put(x.node() + "/" + x.classId(), x.tokensPerSecond());
            }
        }
        return new Half(objective, objective - penaltyPerHour, shed, seconds, full);
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
