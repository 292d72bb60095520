package io.tokenflow.bench;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.Comparator;

/** The seeded synthetic 1000-node x 8-class network the large benchmarks share. */
final class LargeNetwork {
    static final long SEED = 42;

    private LargeNetwork() {}

    static Scenario scenario(int nodes, int classes) {
        return SyntheticScenarios.generate(SyntheticScenarios.Spec.large(nodes, classes, SEED));
    }

    /** The node-class pair with the highest scarcity rent: changing its capacity moves the optimum. */
    static ProcessingLevel scarcest(ClearingResult result) {
        return result.processing().stream().max(Comparator.comparingDouble(ProcessingLevel::scarcityRent))
                .orElseThrow();
    }
}
