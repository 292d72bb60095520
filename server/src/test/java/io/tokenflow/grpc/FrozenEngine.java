package io.tokenflow.grpc;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.service.ClearingEngine;
import io.tokenflow.service.ControllableEngine;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Re-clears that cost nothing: the first clear is solved, every later one answers the same result. For
 * tests that need thousands of versions (their number and causes, not their prices).
 */
final class FrozenEngine {
    private FrozenEngine() {}

    static Function<Scenario, ClearingEngine> factory() {
        AtomicReference<ControllableEngine> created = new AtomicReference<>();
        return scenario -> {
            ClearingEngine real = ControllableEngine.factory(created).apply(scenario);
            return new ClearingEngine() {
                private ClearingResult first;

                @Override
                public ClearingResult applyAndClear(List<MarketUpdate> updates) {
                    if (first == null) {
                        first = real.applyAndClear(updates);
                    }
                    return first;
                }

                @Override
                public Scenario scenario() {
                    return real.scenario();
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        };
    }
}
