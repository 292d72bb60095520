package io.tokenflow.market.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.certify.CertificateChecker;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.MarketUpdate.ElectricityPriceUpdate;
import io.tokenflow.market.model.MarketUpdate.LinkCapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.PathFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * END_TO_END latency on hand-built markets where the answer is known, and warm re-clears of a random
 * sparse one: the three-node line (a–b–c, 60 ms links, chat ≤ 100 ms) is the smallest market
 * where the two scopes part.
 */
class EndToEndClearingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ComputeNode node(String id, double pricePerKwh, double chatCapacity) {
        return new ComputeNode(id, id, OptionalDouble.empty(), OptionalDouble.empty(), pricePerKwh, 0,
                Map.of("chat", chatCapacity));
    }

    private static List<Link> twoWay(String a, String b, double latencyMs) {
        return List.of(new Link(a, b, 100, latencyMs, 0.01, 0), new Link(b, a, 100, latencyMs, 0.01, 0));
    }

    /**
     * a (no capacity) – b (dear) – c (cheap), 60 ms links; chat ≤ 100 ms, 1 M tok/s at a and at b. Per
     * link, a's chat goes a → b → c (120 ms); end to end it cannot, and is served at b.
     */
    static Scenario line(WorkloadClass chat) {
        List<Link> links = new ArrayList<>(twoWay("a", "b", 60));
        links.addAll(twoWay("b", "c", 60));
        return new Scenario("three-node line", null, List.of(chat),
                List.of(node("a", 0.20, 0), node("b", 0.15, 10e6), node("c", 0.05, 10e6)), links,
                List.of(new Demand("a", "chat", 1e6), new Demand("b", "chat", 1e6)));
    }

    static final WorkloadClass CHAT = WorkloadClass.of("chat", 0.5, 1).withMaxLatencyMs(100);

    static ClearingResult certified(Scenario s, SolverKind kind) throws Exception {
        ClearingResult r = MarketClearing.clearOnce(s, kind);
        List<String> violations = CertificateChecker.check(JSON.readTree(ScenarioJson.write(s)),
                JSON.readTree(ClearingResultJson.write(r)));
        assertTrue(violations.isEmpty(), s.name() + ": " + violations);
        return r;
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void onTheLineEndToEndServesAWithinTheLimitWherePerLinkGoesTwoHops(SolverKind kind) throws Exception {
        ClearingResult perLink = certified(line(CHAT).withLatencyScope(LatencyScope.PER_LINK), kind);
        assertEquals(List.of("a", "b", "c"), perLink.price("a", "chat").path());
        assertEquals(0.06, perLink.price("a", "chat").price(), 1e-12); // 0.05 + 2 hops x 0.005

        ClearingResult endToEnd = certified(line(CHAT), kind);
        assertEquals(LatencyScope.END_TO_END, endToEnd.latencyScope());
        NodePrice a = endToEnd.price("a", "chat");
        assertEquals(List.of("a", "b"), a.path());
        assertEquals(0.155, a.price(), 1e-12); // b's energy 0.15 + one hop 0.005
        assertEquals(0.15, a.energy(), 1e-12);
        assertEquals(0.005, a.routing(), 1e-12);
        assertEquals(List.of("b", "c"), endToEnd.price("b", "chat").path()); // b's own chat still goes to c
        assertEquals(List.of(new PathFlow("a", "chat", List.of("a", "b"), 1e6, 60),
                new PathFlow("b", "chat", List.of("b", "c"), 1e6, 60)), endToEnd.pathFlows());
        assertEquals(1e6, endToEnd.processing("b", "chat").tokensPerSecond(), 1e-6);
        // 3600 x (0.15 + 0.005 + 0.05 + 0.005) = $756/hr against the per-link $414/hr
        assertEquals(756, endToEnd.objectivePerHour().getAsDouble(), 1e-9);
        assertEquals(414, perLink.objectivePerHour().getAsDouble(), 1e-9);
    }

    @Test
    void feasibleSitesAreThoseWithinTheLimitEachWithItsPathLatency() {
        Scenario s = line(CHAT);
        ClearingResult r = MarketClearing.clearOnce(s, SolverKind.GLOP);
        ServingAnalysis analysis = new ServingAnalysis(s, r);
        List<DeliverySite> sites = analysis.feasibleSites(ClassNetwork.of(s, "chat"), "a");
        assertEquals(1, sites.size(), sites.toString());
        assertEquals("b", sites.get(0).node());
        assertEquals(60, sites.get(0).latencyMs(), 0);
        assertEquals(r.price("a", "chat").price(), sites.get(0).deliveredCost(), 1e-12);
        assertEquals(List.of("b", "c"), analysis.feasibleSites(ClassNetwork.of(s, "chat"), "b").stream()
                .map(DeliverySite::node).sorted().toList());
        assertEquals(List.of("a", "b"), analysis.servingSplit("chat").get("a").get(0).path());

        Scenario perLink = s.withLatencyScope(LatencyScope.PER_LINK);
        ServingAnalysis paperRule = new ServingAnalysis(perLink, MarketClearing.clearOnce(perLink, SolverKind.GLOP));
        DeliverySite far = paperRule.feasibleSites(ClassNetwork.of(perLink, "chat"), "a").get(0);
        assertEquals("c", far.node());
        assertEquals(120, far.latencyMs(), 0);
    }

    @Test
    void anOriginThatCannotReachCapacityWithinItsLimitGoesUnservedAtThePenalty() throws Exception {
        ClearingResult r = certified(line(CHAT.withMaxLatencyMs(50).withUnservedPenalty(2)), SolverKind.GLOP);
        assertEquals(1e6, r.unserved().stream().filter(u -> u.node().equals("a")).findFirst().orElseThrow()
                .tokensPerSecond(), 1e-6);
        NodePrice a = r.price("a", "chat");
        assertEquals(2, a.price(), 1e-12);
        assertEquals(2, a.unservedPenalty(), 1e-12);
        assertTrue(a.servingNode().isEmpty());
        assertEquals(List.of("b"), r.price("b", "chat").path()); // b serves itself: c is 60 ms away
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void mustServeDemandOutOfReachIsInfeasibleAndTheDiagnosisNamesTheOriginAndItsBestLatency(SolverKind kind)
            throws Exception {
        Scenario s = line(CHAT.withMaxLatencyMs(50));
        ClearingResult r = certified(s, kind); // the checker verifies the Farkas certificate on paths
        assertEquals(ClearingStatus.INFEASIBLE, r.status());
        ClassShortfall shortfall = r.diagnosis().orElseThrow().shortfalls().get(0);
        assertEquals(1e6, shortfall.shortfallTokensPerSecond(), 1e-3);
        assertEquals("a", shortfall.latencyReach().get(0).origin());
        assertEquals(60, shortfall.latencyReach().get(0).latencyMs(), 0);
        assertEquals("b", shortfall.latencyReach().get(0).nearestSite().orElseThrow());
        String message = r.diagnosis().orElseThrow().message();
        assertTrue(message.contains("origin a reaches capacity at best 60 ms away (b), over its 50 ms end-to-end limit"),
                message);
    }

    @Test
    void pricesAreTheMarginalCostOfDemand() {
        Scenario s = SyntheticScenarios.generate(new SyntheticScenarios.Spec(14, 2, 3,
                io.tokenflow.market.model.BandwidthModel.TOKEN_EQUIVALENT, 0.7, true, 1.0, 5)
                .withShape(SyntheticScenarios.Shape.RING_WITH_CHORDS).withLatencyScope(LatencyScope.END_TO_END));
        ClearingResult base = MarketClearing.clearOnce(s, SolverKind.GLOP);
        int checked = 0;
        for (NodePrice p : base.prices()) {
            double d = s.demandTable()[s.nodeIndex(p.node())][s.classIndex(p.classId())];
            if (!s.limitsWholePaths(s.workloadClass(p.classId())) || d <= 0 || checked >= 6) {
                continue;
            }
            double step = 1; // one token/s: small enough to stay in the basis
            ClearingResult more = MarketClearing.clearOnce(s.withDemand(p.node(), p.classId(), d + step), SolverKind.GLOP);
            double derivative = (more.objectivePerHour().getAsDouble() - base.objectivePerHour().getAsDouble())
                    / (3600 * step / 1e6);
            assertEquals(p.price(), derivative, 1e-4 * Math.max(1, p.price()), p.toString());
            checked++;
        }
        assertTrue(checked >= 3, "only " + checked + " prices checked");
    }

    static List<MarketUpdate> updates(Scenario s) {
        String cls = s.classes().stream().filter(s::limitsWholePaths).findFirst().orElseThrow().id();
        Link busiest = s.links().get(0);
        String origin = s.nodes().get(3).id();
        return List.of(
                new CapacityUpdate(s.nodes().get(0).id(), cls, 0.5 * s.nodes().get(0).capacityOf(cls)),
                new DemandUpdate(origin, cls, 2 * s.demandTable()[3][s.classIndex(cls)] + 50_000),
                new ElectricityPriceUpdate(s.nodes().get(1).id(), 0.01),
                new LinkCapacityUpdate(busiest.from(), busiest.to(), 0),
                new LinkCapacityUpdate(busiest.from(), busiest.to(), busiest.capacityGbps()),
                new CapacityUpdate(s.nodes().get(2).id(), cls, 0));
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void warmReclearsAfterEachUpdateEqualColdClears(SolverKind kind) throws Exception {
        Scenario start = SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(30, 4, 11));
        try (MarketClearing market = MarketClearing.open(start, kind)) {
            ClearingResult first = market.clear();
            assertTrue(first.stats().columnsGenerated() > 0, first.stats().toString());
            Scenario expected = start;
            for (MarketUpdate update : updates(start)) {
                market.apply(List.of(update));
                expected = update.applyTo(expected);
                ClearingResult warm = market.clear();
                assertTrue(warm.stats().warm());
                ClearingResult cold = certified(expected, kind);
                assertEquals(cold.status(), warm.status(), update.toString());
                assertEquals(cold.objectivePerHour().getAsDouble(), warm.objectivePerHour().getAsDouble(),
                        1e-7 * cold.objectivePerHour().getAsDouble(), update.toString());
                List<String> violations = CertificateChecker.check(JSON.readTree(ScenarioJson.write(expected)),
                        JSON.readTree(ClearingResultJson.write(warm)));
                assertTrue(violations.isEmpty(), update + ": " + violations);
            }
        }
    }

    @Test
    void aGenerousLimitKeepsTheClassOnArcs() {
        // no simple path of the five links can exceed 4 x 60 ms: the class is cleared on arcs, as PER_LINK
        Scenario generous = line(CHAT.withMaxLatencyMs(120));
        ClearingResult r = MarketClearing.clearOnce(generous, SolverKind.GLOP);
        assertEquals(0, r.stats().pricingRounds());
        assertEquals(List.of("a", "b", "c"), r.price("a", "chat").path());
        assertFalse(r.pathFlows().isEmpty());
        assertTrue(r.pathFlows().stream().allMatch(p -> p.latencyMs() <= 120), r.pathFlows().toString());
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void aWarmReclearThatNeedsPathsTheLpLacksGoesThroughPhaseOne(SolverKind kind) throws Exception {
        // a-b-c-d, 40 ms links, chat <= 100 ms: a (no capacity) is served at c over a -> b -> c (80 ms). Then b,
        // which has no capacity either, gets demand: the live LP holds no path from b (origins without demand are
        // not priced), so the restricted LP is infeasible though the market is not; phase 1 finds b's paths.
        List<Link> links = new ArrayList<>(twoWay("a", "b", 40));
        links.addAll(twoWay("b", "c", 40));
        links.addAll(twoWay("c", "d", 40));
        Scenario s = new Scenario("line 40 ms", null, List.of(CHAT),
                List.of(node("a", 0.20, 0), node("b", 0.15, 0), node("c", 0.05, 10e6), node("d", 0.01, 10e6)),
                links, List.of(new Demand("a", "chat", 1e6)));
        try (MarketClearing market = MarketClearing.open(s, kind)) {
            assertEquals(List.of("a", "b", "c"), market.clear().pathFlows().get(0).path());
            List<MarketUpdate> steps = List.of(new DemandUpdate("b", "chat", 1e6), new CapacityUpdate("c", "chat", 0),
                    new CapacityUpdate("c", "chat", 10e6));
            Scenario expected = s;
            List<ClearingStatus> statuses = new ArrayList<>();
            for (MarketUpdate step : steps) {
                market.apply(List.of(step));
                expected = step.applyTo(expected);
                ClearingResult warm = market.clear();
                ClearingResult cold = certified(expected, kind);
                statuses.add(warm.status());
                assertEquals(cold.status(), warm.status(), step.toString());
                List<String> violations = CertificateChecker.check(JSON.readTree(ScenarioJson.write(expected)),
                        JSON.readTree(ClearingResultJson.write(warm)));
                assertTrue(violations.isEmpty(), step + ": " + violations);
                if (warm.optimal()) {
                    assertEquals(cold.objectivePerHour().getAsDouble(), warm.objectivePerHour().getAsDouble(), 1e-9,
                            step.toString());
                }
                if (step == steps.get(0)) {
                    assertTrue(warm.stats().columnsGenerated() > 0, "phase 1 adds b's paths: " + warm.stats());
                    assertTrue(warm.pathFlows().stream().anyMatch(p -> p.origin().equals("b")), warm.pathFlows().toString());
                }
            }
            // c gone: within 100 ms a reaches only b, which has no capacity (d is 120 ms away); b is served at d
            assertEquals(List.of(ClearingStatus.OPTIMAL, ClearingStatus.INFEASIBLE, ClearingStatus.OPTIMAL), statuses);
        }
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void aPoolPastItsThresholdIsCompactedToThePathsInUseAndStaysExact(SolverKind kind) throws Exception {
        // surges at one origin after another send tokens to sites the pool has no path to yet; with a slack of
        // 10 the pool passes it within a few of them and the next clear starts from a fresh LP
        Scenario start = SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(30, 4, 11));
        try (MarketClearing market = MarketClearing.open(start, kind)) {
            market.setCompactionPolicy(1, 10);
            int firstPool = market.clear().stats().pathColumns();
            String cls = start.classes().stream().filter(start::limitsWholePaths).findFirst().orElseThrow().id();
            Scenario expected = start;
            int largestPool = firstPool;
            int pathColumnsAfterCompaction = -1;
            for (int o = 0; o < start.nodes().size() && market.compactions() < 2; o++) {
                String origin = start.nodes().get(o).id();
                MarketUpdate surge = new DemandUpdate(origin, cls, 4 * start.demandTable()[o][start.classIndex(cls)]
                        + 200_000);
                int before = market.compactions();
                market.apply(List.of(surge));
                expected = surge.applyTo(expected);
                ClearingResult warm = market.clear();
                ClearingResult cold = certified(expected, kind);
                assertEquals(cold.status(), warm.status(), surge.toString());
                if (warm.optimal()) {
                    assertEquals(cold.objectivePerHour().getAsDouble(), warm.objectivePerHour().getAsDouble(),
                            1e-7 * cold.objectivePerHour().getAsDouble(), surge.toString());
                }
                List<String> violations = CertificateChecker.check(JSON.readTree(ScenarioJson.write(expected)),
                        JSON.readTree(ClearingResultJson.write(warm)));
                assertTrue(violations.isEmpty(), surge + ": " + violations);
                if (market.compactions() > before) {
                    assertFalse(warm.stats().warm(), "a compacted LP solves cold: " + warm.stats());
                    pathColumnsAfterCompaction = warm.stats().pathColumns();
                    assertTrue(pathColumnsAfterCompaction < largestPool,
                            pathColumnsAfterCompaction + " columns after compaction, " + largestPool + " before");
                }
                largestPool = Math.max(largestPool, warm.stats().pathColumns());
            }
            assertTrue(market.compactions() >= 1, "the pool grew from " + firstPool + " to " + largestPool
                    + " columns without a compaction");
        }
    }
}
