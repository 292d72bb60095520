package io.tokenflow.market.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.SettlementStatement;
import io.tokenflow.market.solution.UnservedDemand;
import io.tokenflow.market.solution.UnservedShare;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * What the serving analysis promises, checked against LP duality on embedded and random markets:
 * no site delivers below the origin's price (dual feasibility along every path), the cheapest site
 * of a served origin delivers at exactly its price, the flow split adds up to the dispatch, every
 * site the split uses delivers at the origin's price (complementary slackness), and the settlement
 * lines add up to the engine's totals.
 */
class ServingAnalysisTest {

    static Stream<Arguments> markets() {
        Stream<Arguments> embedded = Stream.of(
                Arguments.of("five-node 35x", EmbeddedScenarios.get("five-node")),
                Arguments.of("five-node transfer-aware", EmbeddedScenarios.get("five-node")
                        .withBandwidthModel(BandwidthModel.TRANSFER_AWARE)),
                Arguments.of("five-node 40x with penalty", EmbeddedScenarios.get("five-node",
                        ScenarioOptions.defaults().withScale(40))
                        .withClasses(c -> c.withUnservedPenalty(60))),
                Arguments.of("twenty-node", EmbeddedScenarios.get("twenty-node")),
                Arguments.of("five-node, silicon-valley chat within 12 ms", EmbeddedScenarios.get("five-node",
                        ScenarioOptions.defaults().withMaxLatency("chat", 12))),
                Arguments.of("two-node", EmbeddedScenarios.get("two-node")));
        Stream<Arguments> random = Stream.iterate(1L, s -> s + 1).limit(24).map(seed -> {
            BandwidthModel model = seed % 2 == 0 ? BandwidthModel.TRANSFER_AWARE : BandwidthModel.TOKEN_EQUIVALENT;
            double load = 0.3 + 0.15 * (seed % 8); // some beyond capacity: penalties bind
            Scenario s = SyntheticScenarios.generate(new SyntheticScenarios.Spec(
                    8 + (int) (seed % 13), 1 + (int) (seed % 4), 3, model, load, seed % 3 != 0, 1.0, seed));
            return Arguments.of("synthetic seed " + seed, s);
        });
        Stream<Arguments> endToEnd = Stream.iterate(1L, s -> s + 1).limit(12).map(seed -> {
            BandwidthModel model = seed % 2 == 0 ? BandwidthModel.TRANSFER_AWARE : BandwidthModel.TOKEN_EQUIVALENT;
            Scenario s = SyntheticScenarios.generate(new SyntheticScenarios.Spec(8 + (int) (seed % 13),
                    1 + (int) (seed % 4), 3, model, 0.3 + 0.15 * (seed % 8), true, 1.0, seed)
                    .withShape(SyntheticScenarios.Shape.RING_WITH_CHORDS)
                    .withLatencyScope(io.tokenflow.market.model.LatencyScope.END_TO_END));
            return Arguments.of("END_TO_END ring seed " + seed, s);
        });
        Stream<Arguments> paperEndToEnd = Stream.of(Arguments.of("five-node chat 15 ms code 20 ms END_TO_END",
                EmbeddedScenarios.get("five-node", ScenarioOptions.defaults().withMaxLatency("chat", 15)
                        .withMaxLatency("code", 20).withLatencyScope(io.tokenflow.market.model.LatencyScope.END_TO_END))));
        return Stream.of(embedded, random, endToEnd, paperEndToEnd).flatMap(m -> m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("markets")
    void sitesAndSplitsAgreeWithTheDuals(String name, Scenario scenario) {
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        assertTrue(result.optimal(), name + " should clear");
        ServingAnalysis analysis = new ServingAnalysis(scenario, result);
        double[][] served = servedDemand(scenario, result);
        double[][] demand = scenario.demandTable();
        for (int k = 0; k < scenario.classes().size(); k++) {
            String cls = scenario.classes().get(k).id();
            ClassNetwork network = ClassNetwork.of(scenario, cls);
            Map<String, List<ServingShare>> split = analysis.servingSplit(cls);
            Map<String, Double> intoSite = new HashMap<>();
            for (int o = 0; o < scenario.nodes().size(); o++) {
                String origin = scenario.nodes().get(o).id();
                NodePrice price = result.price(origin, cls);
                double tol = 1e-6 * Math.max(1, Math.abs(price.price()));
                List<DeliverySite> sites = analysis.feasibleSites(network, origin);
                for (int i = 1; i < sites.size(); i++) {
                    assertTrue(sites.get(i - 1).deliveredCost() <= sites.get(i).deliveredCost(), "sorted");
                }
                for (DeliverySite site : sites) {
                    if (scenario.limitsWholePaths(scenario.classes().get(k))) {
                        assertTrue(site.latencyMs() <= scenario.classes().get(k).maxLatencyMs().getAsDouble() + 1e-9,
                                name + " " + origin + "/" + cls + " offers " + site + " beyond the limit");
                    }
                    assertTrue(site.deliveredCost() >= price.price() - tol, name + " " + origin + "/" + cls + " site "
                            + site.node() + " delivers at " + site.deliveredCost() + " below the price " + price.price());
                    assertEquals(origin, site.path().get(0));
                    assertEquals(site.node(), site.path().get(site.path().size() - 1));
                }
                if (price.unservedPenalty() == 0 && price.servingNode().isPresent()) {
                    assertFalse(sites.isEmpty(), name + " " + origin + "/" + cls + " is served but has no site");
                    assertEquals(price.price(), sites.get(0).deliveredCost(), tol,
                            name + " " + origin + "/" + cls + ": cheapest site must deliver at the price");
                }
                List<ServingShare> shares = split.getOrDefault(origin, List.of());
                double tokens = shares.stream().mapToDouble(ServingShare::tokensPerSecond).sum();
                double flowTol = 1e-6 * Math.max(1, scenario.totalDemandTokensPerSecond());
                assertEquals(served[o][k], tokens, flowTol, name + " " + origin + "/" + cls + " split covers its served demand");
                if (!shares.isEmpty()) {
                    assertEquals(1.0, shares.stream().mapToDouble(ServingShare::share).sum(), 1e-9);
                }
                UnservedShare unserved = analysis.unserved(origin, cls);
                assertEquals(demand[o][k], unserved.demandTokensPerSecond(), name + " " + origin + "/" + cls);
                assertEquals(demand[o][k] - served[o][k], unserved.unservedTokensPerSecond(), flowTol,
                        name + " " + origin + "/" + cls + " unserved as the result says");
                if (unserved.any()) {
                    assertEquals(unserved.unservedTokensPerSecond() / demand[o][k], unserved.share(), 1e-15);
                    assertEquals(scenario.classes().get(k).unservedPenaltyPerMTokens().getAsDouble(), price.price(),
                            tol, name + " " + origin + "/" + cls + " leaves demand unserved, so its price is the penalty");
                }
                for (ServingShare share : shares) {
                    intoSite.merge(share.site(), share.tokensPerSecond(), Double::sum);
                    assertPathCarriesFlow(result, cls, share.path());
                    double delivered = sites.stream().filter(s -> s.node().equals(share.site()))
                            .mapToDouble(DeliverySite::deliveredCost).findFirst().orElseThrow();
                    assertEquals(price.price(), delivered, tol, name + " " + origin + "/" + cls + " uses site "
                            + share.site() + " which must deliver at the origin's price");
                }
            }
            for (var x : result.processing()) {
                if (x.classId().equals(cls)) {
                    assertEquals(x.tokensPerSecond(), intoSite.getOrDefault(x.node(), 0.0),
                            1e-6 * Math.max(1, scenario.totalDemandTokensPerSecond()),
                            name + " tokens split into " + x.node() + "/" + cls + " equal its processing");
                }
            }
        }
        assertSettlementLinesAddUp(scenario, result);
    }

    private static void assertPathCarriesFlow(ClearingResult result, String cls, List<String> path) {
        for (int i = 0; i + 1 < path.size(); i++) {
            String from = path.get(i);
            String to = path.get(i + 1);
            assertTrue(result.flows().stream().anyMatch(f -> f.classId().equals(cls) && f.from().equals(from)
                    && f.to().equals(to) && f.tokensPerSecond() > 0), "split path " + path + " uses " + from + "->"
                    + to + " which carries no " + cls);
        }
    }

    private static double[][] servedDemand(Scenario scenario, ClearingResult result) {
        double[][] served = scenario.demandTable();
        for (UnservedDemand u : result.unserved()) {
            served[scenario.nodeIndex(u.node())][scenario.classIndex(u.classId())] -= u.tokensPerSecond();
        }
        return served;
    }

    private static void assertSettlementLinesAddUp(Scenario scenario, ClearingResult result) {
        SettlementStatement st = SettlementLedger.statement(scenario, result);
        double scale = Math.max(1, st.totals().userPaymentsPerHour());
        assertEquals(st.totals().userPaymentsPerHour(),
                st.payments().stream().mapToDouble(SettlementStatement.Payment::amountPerHour).sum(), 1e-9 * scale);
        assertEquals(st.totals().computeRevenuePerHour(),
                st.compute().stream().mapToDouble(SettlementStatement.ComputeEarning::amountPerHour).sum(), 1e-9 * scale);
        assertEquals(st.totals().networkRevenuePerHour(),
                st.network().stream().mapToDouble(SettlementStatement.NetworkEarning::amountPerHour).sum(), 1e-6 * scale);
        double carried = result.flows().stream().mapToDouble(ArcFlow::tokensPerSecond).sum();
        assertEquals(carried, st.network().stream().mapToDouble(SettlementStatement.NetworkEarning::tokensPerSecond).sum(),
                1e-9 * Math.max(1, carried));
    }

    @Test
    void fiveNodeSplitMatchesTheDispatchByHand() {
        // five-node 35x: seattle's own code capacity is full and silicon-valley ships code to seattle
        // (Table 3 path), so all of silicon-valley's code goes there and seattle serves itself.
        Scenario scenario = EmbeddedScenarios.get("five-node");
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        Map<String, List<ServingShare>> code = new ServingAnalysis(scenario, result).servingSplit("code");
        assertEquals(1, code.get("seattle").size(), code.get("seattle").toString());
        assertEquals("seattle", code.get("seattle").get(0).site());
        assertEquals(List.of("seattle"), code.get("seattle").get(0).path());
        List<ServingShare> siliconValley = code.get("silicon-valley");
        assertEquals(1, siliconValley.size(), "all of silicon-valley's code takes one path: " + siliconValley);
        assertEquals("seattle", siliconValley.get(0).site());
        assertEquals(List.of("silicon-valley", "seattle"), siliconValley.get(0).path());
        assertEquals(1.0, siliconValley.get(0).share(), 1e-12);
    }

    @Test
    void refusesAnInfeasibleClearing() {
        Scenario scenario = EmbeddedScenarios.get("twenty-node", ScenarioOptions.defaults().withScale(40));
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServingAnalysis(scenario, result));
        assertTrue(e.getMessage().contains("INFEASIBLE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SettlementLedger.statement(scenario, result));
    }
}
