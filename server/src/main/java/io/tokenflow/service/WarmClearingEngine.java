package io.tokenflow.service;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.time.Duration;
import java.util.List;

/** The engine's incremental model: each re-clear starts from the previous basis (a warm start). */
final class WarmClearingEngine implements ClearingEngine {
    private final MarketClearing market;

    WarmClearingEngine(Scenario scenario, SolverKind solverKind, Duration timeLimit) {
        this.market = MarketClearing.open(scenario, solverKind);
        market.setTimeLimit(timeLimit);
    }

    @Override
    public ClearingResult applyAndClear(List<MarketUpdate> updates) {
        if (!updates.isEmpty()) {
            market.apply(updates);
        }
        return market.clear();
    }

    @Override
    public Scenario scenario() {
        return market.scenario();
    }

    @Override
    public void close() {
        market.close();
    }
}
