package io.tokenflow.market.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.Settlement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paper's published numbers on the embedded five-node testbed (docs/paper-reproduction.md; the paper's §3.3, §3.5,
 * §6): costs to ±0.01 %, prices at the paper's precision and, where §3.5 proves them unique, to 1e-6.
 */
class PaperReproductionTest {
    private static final ScenarioOptions BASE = ScenarioOptions.defaults();

    private static ClearingResult clear(String scenario, ScenarioOptions options) {
        return MarketClearing.clearOnce(EmbeddedScenarios.get(scenario, options), SolverKind.GLOP);
    }

    private static void assertCost(double paper, ClearingResult r) {
        double ours = r.objectivePerHour().getAsDouble();
        assertEquals(paper, ours, paper * 1e-4, "cost within 0.01 % of the paper");
    }

    private static void assertPrice(double expected, ClearingResult r, String node, String cls) {
        assertEquals(expected, r.price(node, cls).price(), 1e-6, node + " " + cls);
    }

    @Test
    void theLatencyCaseEndToEndHasThePerLinkOptimumAndOnlyPathsWithinTheLimits() {
        ScenarioOptions tight = BASE.withMaxLatency("chat", 15).withMaxLatency("code", 20);
        ClearingResult perLink = clear("five-node", tight);
        ClearingResult endToEnd = clear("five-node", tight.withLatencyScope(LatencyScope.END_TO_END));
        assertEquals(LatencyScope.PER_LINK, perLink.latencyScope());
        assertEquals(LatencyScope.END_TO_END, endToEnd.latencyScope());
        assertEquals(perLink.objectivePerHour().getAsDouble(), endToEnd.objectivePerHour().getAsDouble(), 1e-6);
        assertPrice(0.180, endToEnd, "silicon-valley", "chat");
        for (int i = 0; i < perLink.prices().size(); i++) {
            assertEquals(perLink.prices().get(i).price(), endToEnd.prices().get(i).price(), 1e-9,
                    perLink.prices().get(i).toString());
        }
        assertTrue(endToEnd.pathFlows().stream().allMatch(f -> switch (f.classId()) {
            case "chat" -> f.latencyMs() <= 15;
            case "code" -> f.latencyMs() <= 20;
            default -> true;
        }), endToEnd.pathFlows().toString());
        // the baseline (100 / 200 ms) cannot bind any simple path of the 5 nodes: END_TO_END is the same LP
        ClearingResult baseline = clear("five-node", BASE.withLatencyScope(LatencyScope.END_TO_END));
        assertCost(123_635, baseline);
        assertEquals(0, baseline.stats().pricingRounds());
    }

    @Test
    void baselineAt35x() {
        ClearingResult r = clear("five-node", BASE);
        assertEquals(ClearingStatus.OPTIMAL, r.status());
        assertEquals(16.29e6, EmbeddedScenarios.get("five-node").totalDemandTokensPerSecond(), 0.005e6);
        assertCost(123_635, r);
        // Table 3, with its decomposition
        assertPrice(0.078, r, "ashburn", "chat");
        assertEquals(0.0, r.price("ashburn", "chat").scarcity(), 1e-9);
        assertPrice(0.078, r, "dallas", "chat");
        assertEquals(0.072, r.price("dallas", "chat").energy(), 1e-9);
        assertEquals(0.006, r.price("dallas", "chat").scarcity(), 1e-9);
        assertPrice(41.50, r, "dallas", "image");
        assertEquals(36.00, r.price("dallas", "image").energy(), 1e-9);
        assertEquals(5.50, r.price("dallas", "image").scarcity(), 1e-9);
        assertPrice(41.474, r, "seattle", "image");
        assertEquals(26.00, r.price("seattle", "image").energy(), 1e-9);
        assertEquals(15.474, r.price("seattle", "image").scarcity(), 1e-9);
        assertPrice(0.694, r, "seattle", "batch");
        assertEquals(0.174, r.price("seattle", "batch").scarcity(), 1e-9);
        assertPrice(0.083, r, "silicon-valley", "chat");
        assertEquals(0.0748, r.meanPrice("chat"), 5e-5);
        // every price of §3.5 (unique over the optimal dual face)
        double[][] expected = {
            {0.078, 0.078, 0.083, 0.083, 0.052},
            {41.50, 41.50, 42.50, 42.50, 41.474},
            {0.154, 0.144, 0.144, 0.154, 0.108},
            {0.78, 0.72, 0.82, 0.82, 0.694}};
        String[] nodes = {"ashburn", "dallas", "silicon-valley", "chicago", "seattle"};
        String[] classes = {"chat", "image", "code", "batch"};
        for (int k = 0; k < classes.length; k++) {
            for (int j = 0; j < nodes.length; j++) {
                assertPrice(expected[k][j], r, nodes[j], classes[k]);
            }
        }
        List<LinkState> congested = MarketIndicators.congestedLinks(r);
        assertEquals(1, congested.size());
        assertEquals("silicon-valley", congested.get(0).from());
        assertEquals("seattle", congested.get(0).to());
        assertEquals(0.026, congested.get(0).congestionRent(), 1e-9);
        Settlement s = r.settlement().orElseThrow();
        assertEquals(139_446, s.userPaymentsPerHour(), 139_446 * 1e-4);
        assertEquals(0, s.merchandisingSurplusPerHour(), 1e-6, "no route cost: surplus is 0 by complementary slackness");
        assertEquals(1_839.0636, s.networkRevenuePerHour(), 1e-3);
    }

    @Test
    void transferAwareHasFourSaturatedLinks() {
        ClearingResult r = clear("five-node", BASE.withBandwidthModel(BandwidthModel.TRANSFER_AWARE));
        assertCost(127_007, r);
        List<String> saturated = MarketIndicators.saturatedLinks(r).stream().map(l -> l.from() + "->" + l.to()).toList();
        assertEquals(List.of("silicon-valley->ashburn", "silicon-valley->dallas", "silicon-valley->chicago",
                "silicon-valley->seattle"), saturated.stream().sorted((a, b) -> order(a) - order(b)).toList());
        assertPrice(0.1305, r, "silicon-valley", "chat");
        assertPrice(53.00, r, "silicon-valley", "image");
        assertPrice(26.00, r, "seattle", "image");
        assertPrice(42.50, r, "dallas", "image");
    }

    private static int order(String link) {
        return List.of("silicon-valley->ashburn", "silicon-valley->dallas", "silicon-valley->chicago",
                "silicon-valley->seattle").indexOf(link);
    }

    @Test
    void tightLatencySplitsTheNetwork() {
        ClearingResult r = clear("five-node", BASE.withMaxLatency("chat", 15).withMaxLatency("code", 20));
        assertPrice(0.180, r, "silicon-valley", "chat");
        assertEquals(List.of("silicon-valley"), r.price("silicon-valley", "chat").path(),
                "Silicon Valley chat can no longer export east");
        assertEquals(124_124.90, r.objectivePerHour().getAsDouble(), 124_125 * 1e-4);
        assertPrice(41.377, r, "seattle", "image");
    }

    @Test
    void at40xImageBecomesScarce() {
        ClearingResult r = clear("five-node", BASE.withScale(40));
        assertCost(147_317, r);
        double[] image = {89, 90, 90, 89, 88.974};
        String[] nodes = {"ashburn", "dallas", "silicon-valley", "chicago", "seattle"};
        for (int j = 0; j < nodes.length; j++) {
            assertPrice(image[j], r, nodes[j], "image");
        }
        assertEquals(89.3948, r.meanPrice("image"), 1e-4);
        MarketIndicators indicators = MarketIndicators.defaults();
        assertEquals(4, indicators.scarcePairs(clear("five-node", BASE)).size());
        assertEquals(5, indicators.scarcePairs(r).size());
    }

    @Test
    void opexAdderShiftsPricesNotDispatch() {
        ClearingResult base = clear("five-node", BASE);
        ClearingResult r = clear("five-node", BASE.withOpexAdder());
        assertCost(163_140, r);
        assertEquals(0.3186, r.meanPrice("chat"), 5e-5);
        assertEquals(47.99, r.meanPrice("image"), 5e-3);
        for (int i = 0; i < base.processing().size(); i++) {
            assertEquals(base.processing().get(i).tokensPerSecond(), r.processing().get(i).tokensPerSecond(), 1e-6);
        }
    }

    @Test
    void firstCongestionComesBy10x() {
        List<DemandSweep.Point> sweep = DemandSweep.run(s -> EmbeddedScenarios.get("five-node", BASE.withScale(s)),
                List.of(5.0, 10.0), SolverKind.GLOP);
        assertEquals(0, MarketIndicators.congestedLinks(sweep.get(0).result()).size());
        assertEquals(1, MarketIndicators.congestedLinks(sweep.get(1).result()).size());
    }

    @Test
    void twentyNodeIsFeasibleAt35xAndShortOfImageAt40x() {
        ClearingResult at35 = clear("twenty-node", BASE);
        assertEquals(ClearingStatus.OPTIMAL, at35.status());
        assertEquals(43.89e6, EmbeddedScenarios.get("twenty-node").totalDemandTokensPerSecond(), 0.005e6);
        ClearingResult at40 = clear("twenty-node", BASE.withScale(40));
        assertEquals(ClearingStatus.INFEASIBLE, at40.status());
        List<ClassShortfall> shortfalls = at40.diagnosis().orElseThrow().shortfalls();
        assertEquals(1, shortfalls.size());
        assertEquals("image", shortfalls.get(0).classId());
        // 40 x 5000 x 13.2 tok/s of image demand against 200 tok/s/MW x 12,000 MW
        assertEquals(2_640_000 - 2_400_000, shortfalls.get(0).shortfallTokensPerSecond(), 1e-3);
        assertEquals(20, shortfalls.get(0).exhaustedNodes().size());
    }

    @Test
    void twentyNodeRegistryHasTheSizeThePaperImplies() {
        Scenario at1x = EmbeddedScenarios.get("twenty-node", BASE.withScale(1));
        assertEquals(20, at1x.nodes().size());
        double megawatts = at1x.nodes().stream().mapToDouble(n -> n.capacityOf("image") / 200).sum();
        assertTrue(megawatts >= 11_550 && megawatts <= 13_200, megawatts + " MW");
        // Σw = 13.2: base demand is 95,000 tok/s per unit of weight
        assertEquals(95_000 * 13.2, at1x.totalDemandTokensPerSecond(), 1e-6);
        assertEquals(List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle"),
                at1x.nodes().subList(0, 5).stream().map(n -> n.id()).toList());
    }

    @Test
    void theReproductionPageIsGeneratedNotTyped() throws Exception {
        Path page = Path.of(System.getProperty("tokenflow.repo.dir"), "docs", "paper-reproduction.md");
        String generated = PaperReproduction.markdown(SolverKind.GLOP);
        assertTrue(generated.contains("| 35x baseline cost ($/hr) | 123,635 | 123,635.05 | same |"), generated);
        assertEquals(generated, Files.readString(page),
                "docs/paper-reproduction.md is stale: run " + PaperReproduction.COMMAND);
        // the figures it shows are committed next to it
        java.util.regex.Matcher figure = java.util.regex.Pattern.compile("\\]\\((reports/[a-z0-9/-]+\\.png)\\)")
                .matcher(generated);
        int figures = 0;
        while (figure.find()) {
            figures++;
            assertTrue(Files.isRegularFile(page.resolveSibling(figure.group(1))), figure.group(1)
                    + " is missing: run bash docs/reports/make-reports.sh");
        }
        assertTrue(figures >= 10, figures + " figures linked");
    }
}
