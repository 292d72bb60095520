package io.tokenflow.market.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rent is what one more unit of capacity saves: re-clearing with +1 % of each ranked capacity must
 * cut the cost by what the rent predicts. LP sensitivity says exactly how far that holds: the optimal
 * cost is convex in capacity, so the drop lies between the new rent × 1 % and the old rent × 1 %, and
 * equals the prediction while the optimal basis survives the step.
 */
class InvestmentSignalsTest {

    static Stream<Arguments> markets() {
        Stream<Arguments> embedded = Stream.of(
                Arguments.of("five-node 35x", EmbeddedScenarios.get("five-node")),
                Arguments.of("five-node 40x (penalty $60 binds)", EmbeddedScenarios.get("five-node",
                        ScenarioOptions.defaults().withScale(40)).withClasses(c -> c.withUnservedPenalty(60))),
                Arguments.of("five-node transfer-aware", EmbeddedScenarios.get("five-node")
                        .withBandwidthModel(BandwidthModel.TRANSFER_AWARE)),
                Arguments.of("twenty-node 35x", EmbeddedScenarios.get("twenty-node")));
        Stream<Arguments> random = Stream.iterate(1L, s -> s + 1).limit(10).map(seed -> Arguments.of(
                "synthetic seed " + seed, SyntheticScenarios.generate(new SyntheticScenarios.Spec(
                        6 + (int) (seed % 7), 1 + (int) (seed % 3), 2,
                        seed % 2 == 0 ? BandwidthModel.TRANSFER_AWARE : BandwidthModel.TOKEN_EQUIVALENT,
                        0.5 + 0.1 * seed, false, 1.0, seed))));
        return Stream.concat(embedded, random);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("markets")
    void onePercentMoreCapacitySavesWhatTheRentPredicts(String name, Scenario scenario) {
        ClearingResult base = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        assertTrue(base.optimal(), name);
        List<InvestmentSignal> signals = InvestmentSignals.rank(scenario, base, 1);
        assertFalse(signals.isEmpty(), name + " has binding capacity, so it must have signals");
        int exact = 0;
        for (InvestmentSignal signal : signals) {
            Scenario grown = withOnePercentMore(scenario, signal);
            ClearingResult after = MarketClearing.clearOnce(grown, SolverKind.GLOP);
            assertTrue(after.optimal(), name + " " + signal.asset());
            double drop = base.objectivePerHour().getAsDouble() - after.objectivePerHour().getAsDouble();
            double predicted = signal.onePercentPerHour();
            // the new rent, priced on the same 1 % step (its own signal counts 1 % of the grown capacity)
            double newRentBound = find(InvestmentSignals.rank(grown, after, 1), signal.asset())
                    .map(s -> s.onePercentPerHour() / 1.01).orElse(0.0);
            double tol = 1e-6 * Math.max(1, base.objectivePerHour().getAsDouble());
            assertTrue(drop <= predicted + tol, name + " " + signal.asset() + ": drop " + drop
                    + " $/hr exceeds the rent's prediction " + predicted);
            assertTrue(drop >= newRentBound - tol, name + " " + signal.asset() + ": drop " + drop
                    + " $/hr is below the new rent's bound " + newRentBound);
            if (Math.abs(drop - predicted) <= tol + 1e-6 * predicted) {
                exact++;
            }
        }
        // most steps of 1 % stay within the basis: the prediction is then exact
        assertTrue(exact * 2 >= signals.size(), name + ": only " + exact + " of " + signals.size()
                + " signals predicted the drop exactly");
    }

    @Test
    void fiveNodeRanksSeattleImageFirstAndPricesItsUnits() {
        Scenario scenario = EmbeddedScenarios.get("five-node");
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        List<InvestmentSignal> signals = InvestmentSignals.rank(scenario, result, InvestmentSignals.HOURS_PER_YEAR);
        for (int i = 1; i < signals.size(); i++) {
            assertTrue(signals.get(i - 1).onePercentValue() >= signals.get(i).onePercentValue(), "ranked by value");
        }
        InvestmentSignal top = signals.get(0);
        assertEquals("seattle/image", top.asset());
        // μ = 15.474 $/M tokens (paper Table 3) on 120,000 tokens/s: 1 % is 1,200 tokens/s
        assertEquals(15.474, top.rent(), 1e-3);
        assertEquals(top.rent() * 3600 / 1e6, top.valuePerUnitHour(), 1e-12);
        assertEquals(top.valuePerUnitHour() * top.capacity() * 0.01, top.onePercentPerHour(), 1e-9);
        assertEquals(top.onePercentPerHour() * 8760, top.onePercentValue(), 1e-6);
        InvestmentSignal link = find(signals, "silicon-valley->seattle").orElseThrow();
        assertEquals(InvestmentSignal.Kind.LINK, link.kind());
        assertEquals("Gbps", link.capacityUnit());
        assertEquals(0.026, link.rent(), 1e-6);
        assertEquals(1.0, link.utilization(), 1e-9);
    }

    @Test
    void refusesWhatHasNoRents() {
        Scenario scenario = EmbeddedScenarios.get("two-node");
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> InvestmentSignals.rank(scenario, result, Double.NaN));
        assertEquals("horizon must be finite and > 0 hours, got NaN", bad.getMessage());
    }

    private static Optional<InvestmentSignal> find(List<InvestmentSignal> signals, String asset) {
        return signals.stream().filter(s -> s.asset().equals(asset)).findFirst();
    }

    private static Scenario withOnePercentMore(Scenario scenario, InvestmentSignal signal) {
        if (signal.kind() == InvestmentSignal.Kind.NODE_CLASS) {
            String[] pair = signal.asset().split("/", 2);
            return scenario.withUpdates(List.of(new MarketUpdate.CapacityUpdate(pair[0], pair[1],
                    scenario.node(pair[0]).capacityOf(pair[1]) * 1.01)));
        }
        String[] ends = signal.asset().split("->", 2);
        Link link = scenario.link(ends[0], ends[1]);
        return scenario.withUpdates(List.of(new MarketUpdate.LinkCapacityUpdate(link.from(), link.to(),
                link.capacityGbps() * 1.01)));
    }
}
