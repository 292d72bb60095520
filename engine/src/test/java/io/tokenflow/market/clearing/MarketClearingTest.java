package io.tokenflow.market.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.MarketUpdate.ElectricityPriceUpdate;
import io.tokenflow.market.model.MarketUpdate.LinkCapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.Settlement;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class MarketClearingTest {

    @Test
    void twoNodeExampleMatchesTheHandSolution() {
        ClearingResult r = MarketClearing.clearOnce(EmbeddedScenarios.get("two-node"), SolverKind.GLOP);
        assertEquals(1116.0, r.objectivePerHour().getAsDouble(), 1e-9);
        assertEquals(0.05, r.price("a", "chat").price(), 1e-12);
        assertEquals(0.10, r.price("b", "chat").price(), 1e-12);
        assertEquals(0.04, r.link("b", "a").congestionRent(), 1e-12);
        assertEquals(0.0, r.link("a", "b").congestionRent(), 0.0);
        assertEquals(2_000_000, r.processing("a", "chat").tokensPerSecond(), 1e-6);
        assertEquals(1.0, r.link("b", "a").utilization(), 1e-12);
        Settlement s = r.settlement().orElseThrow();
        assertEquals(1260, s.userPaymentsPerHour(), 1e-9);
        assertEquals(1080, s.computeRevenuePerHour(), 1e-9);
        assertEquals(180, s.networkRevenuePerHour(), 1e-9);
        assertEquals(0, s.merchandisingSurplusPerHour(), 1e-9);
    }

    @Test
    void sameInputGivesTheSameDocument() {
        Scenario s = EmbeddedScenarios.get("twenty-node");
        assertEquals(ClearingResultJson.write(MarketClearing.clearOnce(s, SolverKind.GLOP)),
                ClearingResultJson.write(MarketClearing.clearOnce(s, SolverKind.GLOP)));
    }

    static List<MarketUpdate> oneOfEach() {
        return List.of(new CapacityUpdate("dallas", "image", 120_000),
                new DemandUpdate("chicago", "chat", 3_000_000),
                new ElectricityPriceUpdate("seattle", 0.09),
                new LinkCapacityUpdate("silicon-valley", "seattle", 20));
    }

    @ParameterizedTest
    @EnumSource(SolverKind.class)
    void warmReclearAfterEachUpdateEqualsAColdClear(SolverKind solver) {
        try (MarketClearing market = MarketClearing.open(EmbeddedScenarios.get("five-node"), solver)) {
            market.clear();
            Scenario expected = EmbeddedScenarios.get("five-node");
            for (MarketUpdate update : oneOfEach()) {
                market.apply(List.of(update));
                expected = update.applyTo(expected);
                ClearingResult warm = market.clear();
                ClearingResult cold = MarketClearing.clearOnce(expected, solver);
                assertTrue(warm.stats().warm());
                assertEquals(expected, market.scenario());
                assertEquals(cold.objectivePerHour().getAsDouble(), warm.objectivePerHour().getAsDouble(), 1e-6, "" + update);
                for (NodePrice p : cold.prices()) {
                    assertEquals(p.price(), warm.price(p.node(), p.classId()).price(), 1e-9, update + ": " + p);
                }
            }
        }
    }

    @Test
    void aWarmReclearTakesFewerIterationsThanACold() {
        Scenario twenty = EmbeddedScenarios.get("twenty-node");
        try (MarketClearing market = MarketClearing.open(twenty, SolverKind.GLOP)) {
            ClearingResult cold = market.clear();
            market.apply(List.of(new CapacityUpdate("dallas", "image", 0.5 * twenty.node("dallas").capacityOf("image"))));
            ClearingResult warm = market.clear();
            assertFalse(cold.stats().warm());
            assertTrue(warm.stats().warm());
            assertTrue(warm.stats().iterations() < cold.stats().iterations() / 4,
                    "warm " + warm.stats().iterations() + " vs cold " + cold.stats().iterations() + " iterations");
        }
    }

    @Test
    void updatesAreAllOrNothing() {
        try (MarketClearing market = MarketClearing.open(EmbeddedScenarios.get("five-node"), SolverKind.GLOP)) {
            ClearingResult before = market.clear();
            Scenario scenarioBefore = market.scenario();
            InvalidScenarioException bad = assertThrows(InvalidScenarioException.class, () -> market.apply(List.of(
                    new CapacityUpdate("ashburn", "chat", 1), new CapacityUpdate("dallas", "image", Double.NaN))));
            assertEquals("node 'dallas' capacityTokensPerSecond for class 'image' must be finite and >= 0, got NaN",
                    bad.getMessage());
            UnknownIdException unknown = assertThrows(UnknownIdException.class,
                    () -> market.apply(List.of(new DemandUpdate("ashburn", "chat", 1), new DemandUpdate("dalas", "chat", 1))));
            assertEquals("unknown node 'dalas'", unknown.getMessage());
            assertEquals("dalas", unknown.id());
            assertThrows(UnknownIdException.class,
                    () -> market.apply(List.of(new LinkCapacityUpdate("seattle", "dallas", 10))));
            assertThrows(InvalidScenarioException.class,
                    () -> market.apply(List.of(new ElectricityPriceUpdate("seattle", -1))));
            assertEquals(scenarioBefore, market.scenario());
            assertEquals(ClearingResultJson.write(before), ClearingResultJson.write(market.clear()));
        }
    }

    @Test
    void infeasibleThenFeasibleAgain() {
        Scenario twenty = EmbeddedScenarios.get("twenty-node");
        double image = twenty.demand().stream().filter(d -> d.classId().equals("image"))
                .mapToDouble(Demand::tokensPerSecond).sum();
        try (MarketClearing market = MarketClearing.open(twenty, SolverKind.GLOP)) {
            assertEquals(ClearingStatus.OPTIMAL, market.clear().status());
            market.apply(List.of(new DemandUpdate("dallas", "image", 1_000_000)));
            ClearingResult infeasible = market.clear();
            assertEquals(ClearingStatus.INFEASIBLE, infeasible.status());
            double dallasImage = twenty.demand().stream()
                    .filter(d -> d.origin().equals("dallas") && d.classId().equals("image"))
                    .mapToDouble(Demand::tokensPerSecond).sum();
            double shortfall = image - dallasImage + 1_000_000 - 200 * 12_000;
            assertEquals(shortfall, infeasible.diagnosis().orElseThrow().shortfalls().get(0).shortfallTokensPerSecond(),
                    1e-3);
            assertEquals(shortfall, infeasible.totalUnservedTokensPerSecond(), 1e-3);
            market.apply(List.of(new DemandUpdate("dallas", "image", dallasImage)));
            ClearingResult again = market.clear();
            assertEquals(MarketClearing.clearOnce(twenty, SolverKind.GLOP).objectivePerHour().getAsDouble(),
                    again.objectivePerHour().getAsDouble(), 1e-6);
        }
    }

    @Test
    void theDiagnosisNamesTheOriginsThatCannotReachCapacity() {
        // chat may not use the 30 ms link, so c's chat demand has nowhere to go; a and b are fine
        WorkloadClass chat = WorkloadClass.of("chat", 1, 1).withMaxLatencyMs(20);
        Scenario s = new Scenario("isolated", null, List.of(chat),
                List.of(node("a", 0.05, 1e6), node("b", 0.10, 1e6), node("c", 0.20, 0)),
                List.of(new Link("a", "b", 8, 10, 0.01, 0), new Link("c", "b", 8, 30, 0.01, 0)),
                List.of(new Demand("a", "chat", 500_000), new Demand("b", "chat", 500_000),
                        new Demand("c", "chat", 70_000)));
        ClearingResult r = MarketClearing.clearOnce(s, SolverKind.GLOP);
        assertEquals(ClearingStatus.INFEASIBLE, r.status());
        var shortfall = r.diagnosis().orElseThrow().shortfalls().get(0);
        assertEquals(List.of("c"), shortfall.constrainedOrigins());
        assertEquals(70_000, shortfall.shortfallTokensPerSecond(), 1e-6);
        assertEquals("must-serve demand cannot be met: class 'chat' is short 70,000 of 1,070,000 tok/s: origin c cannot"
                + " reach enough capacity (left short at c 70,000); capacity exhausted at c; origin c reaches capacity"
                + " at best 30 ms away (b), over its 20 ms end-to-end limit", r.diagnosis().orElseThrow().message());
    }

    /** The marginal-cost meaning of π: adding ε demand raises cost by π·ε (prices here are unique). */
    @Test
    void pricesAreMarginalCostsOfDemand() {
        Scenario base = EmbeddedScenarios.get("five-node").withDemand("seattle", "code", 0);
        ClearingResult r = MarketClearing.clearOnce(base, SolverKind.GLOP);
        double epsilon = 1_000; // tokens/s
        for (String node : List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle")) {
            for (String cls : List.of("chat", "image", "code", "batch")) {
                double d = base.demand().stream().filter(x -> x.origin().equals(node) && x.classId().equals(cls))
                        .mapToDouble(Demand::tokensPerSecond).sum();
                ClearingResult more = MarketClearing.clearOnce(base.withDemand(node, cls, d + epsilon), SolverKind.GLOP);
                double marginal = (more.objectivePerHour().getAsDouble() - r.objectivePerHour().getAsDouble())
                        / (3600 * epsilon / 1e6);
                assertEquals(r.price(node, cls).price(), marginal, 1e-6 * Math.max(1, marginal), node + " " + cls);
            }
        }
    }

    /** A node with no demand, processing or traffic still quotes what one more unit would cost there. */
    @Test
    void anIdleOriginQuotesItsMarginalCost() {
        WorkloadClass chat = WorkloadClass.of("chat", 1, 1);
        Scenario s = new Scenario("idle", null, List.of(chat),
                List.of(node("a", 0.05, 3e6), node("b", 0.10, 3e6), node("c", 0.20, 0)),
                List.of(new Link("a", "b", 8, 10, 0.01, 0), new Link("b", "a", 8, 10, 0.01, 0),
                        new Link("c", "b", 8, 10, 0.01, 0.002)),
                List.of(new Demand("a", "chat", 500_000), new Demand("b", "chat", 2_000_000)));
        ClearingResult r = MarketClearing.clearOnce(s, SolverKind.GLOP);
        // c has no capacity and no demand; one more unit there goes c -> b, where b serves it at 0.10
        NodePrice c = r.price("c", "chat");
        assertEquals(0.10 + 0.01 + 0.002, c.price(), 1e-12);
        assertEquals(List.of("c", "b"), c.path());
        assertEquals("b", c.servingNode().orElseThrow());
        ClearingResult more = MarketClearing.clearOnce(s.withDemand("c", "chat", 1_000), SolverKind.GLOP);
        double marginal = (more.objectivePerHour().getAsDouble() - r.objectivePerHour().getAsDouble()) / (3600 * 1e-3);
        assertEquals(c.price(), marginal, 1e-9);
    }

    /** A link closed to 0 Gbps is no way out for an idle origin, and earns the rent reopening it is worth. */
    @Test
    void aClosedLinkIsPricedNotUsed() {
        WorkloadClass chat = WorkloadClass.of("chat", 1, 1);
        Scenario s = new Scenario("closed", null, List.of(chat),
                List.of(node("a", 0.05, 1e6), node("b", 0.10, 1e6), node("c", 0.20, 0)),
                List.of(new Link("c", "a", 0, 10, 0.01, 0), new Link("c", "b", 8, 10, 0.01, 0)),
                List.of(new Demand("a", "chat", 500_000), new Demand("b", "chat", 500_000)));
        ClearingResult r = MarketClearing.clearOnce(s, SolverKind.GLOP);
        assertEquals(List.of("c", "b"), r.price("c", "chat").path());
        assertEquals(0.11, r.price("c", "chat").price(), 1e-12);
        // 0.11 - 0.05 - 0.01: what one more unit of capacity on c->a would save
        assertEquals(0.05, r.link("c", "a").congestionRent(), 1e-12);
    }

    @Test
    void partialServiceCapsThePriceAtThePenalty() {
        WorkloadClass chat = WorkloadClass.of("chat", 1, 1).withUnservedPenalty(2.0);
        Scenario s = new Scenario("penalty", null, List.of(chat),
                List.of(node("a", 0.05, 1_000_000), node("b", 0.10, 0), node("island", 0.05, 0)),
                List.of(new Link("b", "a", 8, 10, 0.01, 0)),
                List.of(new Demand("a", "chat", 800_000), new Demand("b", "chat", 600_000),
                        new Demand("island", "chat", 50_000)));
        ClearingResult r = MarketClearing.clearOnce(s, SolverKind.GLOP);
        assertEquals(ClearingStatus.OPTIMAL, r.status());
        assertEquals(450_000, r.totalUnservedTokensPerSecond(), 1e-6);
        NodePrice b = r.price("b", "chat");
        assertEquals(2.0, b.price(), 1e-12, "b's marginal unit goes unserved (or displaces one that does)");
        assertEquals(b.price(), b.energy() + b.scarcity() + b.routing() + b.congestion() + b.unservedPenalty(), 1e-12);
        NodePrice island = r.price("island", "chat");
        assertEquals(2.0, island.price(), 1e-12, "nothing can serve the island: its price is the penalty");
        assertEquals(2.0, island.unservedPenalty(), 0);
        assertTrue(island.servingNode().isEmpty());
        assertEquals(1.99, r.price("a", "chat").price(), 1e-12, "a's scarcity rent rises to the penalty less routing");
        assertEquals(1.94, r.price("a", "chat").scarcity(), 1e-12);
        Settlement settlement = r.settlement().orElseThrow();
        // users pay only for the 1.0 M tok/s served: 0.8 at a (1.99) and 0.2 from b (2.0); none at the island
        assertEquals(3600 * (0.8 * 1.99 + 0.2 * 2.0), settlement.userPaymentsPerHour(), 1e-9);
        assertEquals(0, settlement.merchandisingSurplusPerHour(), 1e-9);
    }

    @Test
    void aSolveOverItsTimeLimitFailsAndTheMarketRecovers() {
        Scenario big = io.tokenflow.market.scenarios.SyntheticScenarios.generate(
                io.tokenflow.market.scenarios.SyntheticScenarios.Spec.large(400, 6, 7));
        try (MarketClearing market = MarketClearing.open(big, SolverKind.GLOP)) {
            market.setTimeLimit(java.time.Duration.ofMillis(1));
            ClearingFailedException failed = assertThrows(ClearingFailedException.class, market::clear);
            assertTrue(failed.getMessage().startsWith("glop stopped with status NOT_SOLVED"), failed.getMessage());
            market.setTimeLimit(java.time.Duration.ofMinutes(10));
            assertEquals(MarketClearing.clearOnce(big, SolverKind.GLOP).objectivePerHour().getAsDouble(),
                    market.clear().objectivePerHour().getAsDouble(), 1e-6);
        }
    }

    @Test
    void exportedLpNamesTheQuantities() {
        try (MarketClearing market = MarketClearing.open(EmbeddedScenarios.get("five-node",
                ScenarioOptions.defaults().withMaxLatency("chat", 15)), SolverKind.GLOP)) {
            String lp = market.exportLp();
            assertTrue(lp.contains("bal(silicon.valley,chat)"), lp);
            assertTrue(lp.contains("f(silicon.valley,seattle,chat)"), lp);
            assertFalse(lp.contains("f(silicon.valley,dallas,chat)"), "beyond chat's 15 ms limit: no column");
            assertTrue(lp.contains("link(silicon.valley,seattle)"), lp);
        }
    }

    private static ComputeNode node(String id, double price, double chatCapacity) {
        return new ComputeNode(id, id, OptionalDouble.empty(), OptionalDouble.empty(), price, 0,
                Map.of("chat", chatCapacity));
    }
}
