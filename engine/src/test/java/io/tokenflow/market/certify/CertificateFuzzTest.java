package io.tokenflow.market.certify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A long certificate run over wide random parameters, not part of the default build (tag "fuzz"):
 * {@code mvn -B test -pl engine -Dtest=CertificateFuzzTest -Dfuzz.excluded=none -Dfuzz.count=3000}
 * (also {@code -Dfuzz.first=SEED -Dfuzz.maxNodes=N}; {@code -Dfuzz.endToEnd=true} clears each seed's network
 * END_TO_END, as a ring with chords for odd seeds).
 * Each seed draws size, classes, neighbours, bandwidth model, load, latency limits and penalties,
 * and is cleared with GLOP and CLP; every result must pass {@link CertificateChecker}.
 */
@Tag("fuzz")
class CertificateFuzzTest {
    @Test
    void randomNetworksAreCertified() throws Exception {
        ObjectMapper json = new ObjectMapper();
        long first = Long.getLong("fuzz.first", 5000);
        long count = Long.getLong("fuzz.count", 300);
        int maxNodes = Integer.getInteger("fuzz.maxNodes", 120);
        List<String> failures = new ArrayList<>();
        int infeasible = 0;
        for (long seed = first; seed < first + count; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SyntheticScenarios.Spec spec = new SyntheticScenarios.Spec(2 + r.nextInt(maxNodes - 1), 1 + r.nextInt(8),
                    r.nextInt(8), r.nextBoolean() ? BandwidthModel.TOKEN_EQUIVALENT : BandwidthModel.TRANSFER_AWARE,
                    r.nextDouble() * 1.6, r.nextBoolean(), r.nextDouble(), seed);
            if (Boolean.getBoolean("fuzz.endToEnd")) {
                spec = spec.withLatencyScope(io.tokenflow.market.model.LatencyScope.END_TO_END)
                        .withShape(seed % 2 == 1 ? SyntheticScenarios.Shape.RING_WITH_CHORDS : SyntheticScenarios.Shape.NEAREST);
            }
            Scenario scenario = SyntheticScenarios.generate(spec);
            for (SolverKind kind : SolverKind.values()) {
                ClearingResult result = MarketClearing.clearOnce(scenario, kind);
                infeasible += result.optimal() ? 0 : 1;
                List<String> violations = CertificateChecker.check(json.readTree(ScenarioJson.write(scenario)),
                        json.readTree(ClearingResultJson.write(result)));
                if (!violations.isEmpty()) {
                    failures.add(kind + " " + spec + ": " + violations.get(0));
                }
            }
        }
        System.out.printf("fuzz: seeds %d..%d, up to %d nodes: %d clearings, %d infeasible, %d uncertified%n", first,
                first + count - 1, maxNodes, 2 * count, infeasible, failures.size());
        assertTrue(failures.isEmpty(), failures.size() + " uncertified clearings:\n" + String.join("\n", failures));
    }
}
