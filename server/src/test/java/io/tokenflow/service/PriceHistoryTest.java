package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bounded store itself: what it keeps per version, its bound, and the order it insists on. */
class PriceHistoryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static Scenario scenario;
    private static ClearingResult result;

    @BeforeAll
    static void clear() {
        scenario = LeaderOracle.withDefaultPenalty(EmbeddedScenarios.get("five-node"), 1000);
        try (WarmClearingEngine engine = new WarmClearingEngine(scenario, SolverKind.GLOP, Duration.ofSeconds(30))) {
            result = engine.applyAndClear(List.of());
        }
    }

    private static VersionCauses demand(double value) {
        return VersionCauses.of(List.of(new DemandUpdate("dallas", "chat", value)), scenario);
    }

    @Test
    void everyOriginAndClassReadsBackItsPriceExactly() {
        PriceHistory history = new PriceHistory(8);
        history.add(1, T0, scenario, result, VersionCauses.INITIAL);
        history.add(2, T0.plusSeconds(1), scenario, result, demand(5));
        for (NodePrice p : result.prices()) {
            List<PricePoint> points = history.points(p.node(), p.classId(), null).orElseThrow().points();
            assertEquals(2, points.size());
            for (PricePoint point : points) {
                assertEquals(p.price(), point.price());
                assertEquals(p.energy(), point.energy());
                assertEquals(p.scarcity(), point.scarcity());
                assertEquals(p.routing(), point.routing());
                assertEquals(p.congestion(), point.congestion());
                assertEquals(p.unservedPenalty(), point.unservedPenalty());
                assertEquals(p.servingNode(), point.servingNode());
            }
            assertEquals(VersionCauses.INITIAL, points.get(0).causes());
            assertEquals(demand(5), points.get(1).causes());
        }
        assertEquals(List.of(), history.points("atlantis", "chat", null).orElseThrow().points(),
                "an id the versions lack has no points (the oracle refuses it before asking)");
    }

    @Test
    void theBoundKeepsTheNewestAndTheOldestIsReported() {
        PriceHistory history = new PriceHistory(1);
        assertEquals(Optional.empty(), history.points("dallas", "chat", null), "nothing retained yet");
        history.add(1, T0, scenario, result, VersionCauses.INITIAL);
        history.add(5, T0.plusSeconds(3), scenario, result, demand(7));
        PriceHistory.Retained retained = history.points("dallas", "chat", null).orElseThrow();
        assertEquals(List.of(5L), retained.points().stream().map(PricePoint::version).toList());
        assertEquals(5, retained.oldestVersion());
        assertEquals(T0.plusSeconds(3), retained.oldestClearedAt());
        assertEquals(1, history.size());
    }

    @Test
    void sinceIsInclusiveAndVersionsMustGrow() {
        PriceHistory history = new PriceHistory(4);
        history.add(1, T0, scenario, result, VersionCauses.INITIAL);
        history.add(2, T0.plusSeconds(10), scenario, result, demand(1));
        history.add(4, T0.plusSeconds(10), scenario, result, demand(2)); // a skipped version, the same second
        assertEquals(List.of(2L, 4L), history.points("seattle", "image", T0.plusSeconds(10)).orElseThrow().points()
                .stream().map(PricePoint::version).toList());
        assertEquals(List.of(), history.points("seattle", "image", T0.plusSeconds(11)).orElseThrow().points());
        assertEquals("version 4 is not after the newest retained, 4", assertThrows(IllegalArgumentException.class,
                () -> history.add(4, T0.plusSeconds(20), scenario, result, demand(3))).getMessage());
        assertEquals("price history must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new PriceHistory(0)).getMessage());
        assertTrue(history.size() == 3);
    }

    /** {@code base} with a random few prices moved (some to another serving node, or to none). */
    private static ClearingResult moved(ClearingResult base, SplittableRandom random) {
        List<NodePrice> prices = new ArrayList<>();
        List<String> nodes = scenario.nodes().stream().map(n -> n.id()).toList();
        for (NodePrice p : base.prices()) {
            if (random.nextInt(4) != 0) {
                prices.add(p);
                continue;
            }
            int serving = random.nextInt(nodes.size() + 1);
            prices.add(new NodePrice(p.node(), p.classId(), p.price() + random.nextDouble(), random.nextDouble(),
                    random.nextDouble(), p.routing(), random.nextDouble(), random.nextBoolean() ? 0 : 1000,
                    serving == nodes.size() ? Optional.empty() : Optional.of(nodes.get(serving)), p.path(),
                    p.electricityCost(), p.opexCost()));
        }
        return new ClearingResult(base.scenario(), base.status(), base.bandwidthModel(), base.latencyScope(),
                base.objectivePerHour(), prices, base.processing(), base.flows(), base.pathFlows(), base.links(), base.unserved(), base.settlement(),
                base.diagnosis(), base.stats());
    }

    @Test
    void versionsStoredAsChangesReadBackExactlyAcrossTheBound() {
        SplittableRandom random = new SplittableRandom(7);
        List<ClearingResult> published = new ArrayList<>();
        ClearingResult last = result;
        for (int i = 0; i < 40; i++) {
            last = i % 5 == 3 ? last : moved(last, random); // every fifth version moves no price
            published.add(last);
        }
        for (int capacity : new int[] {1, 2, 7, 40, 100}) {
            PriceHistory history = new PriceHistory(capacity);
            for (int i = 0; i < published.size(); i++) {
                history.add(i + 1, T0.plusSeconds(i), scenario, published.get(i), demand(i));
                int first = Math.max(0, i + 1 - capacity);
                for (NodePrice any : List.of(result.prices().get(0), result.prices().get(result.prices().size() - 1),
                        result.prices().get(i % result.prices().size()))) {
                    PriceHistory.Retained retained = history.points(any.node(), any.classId(), null).orElseThrow();
                    assertEquals(first + 1, retained.oldestVersion(), "capacity " + capacity + " after " + (i + 1));
                    assertEquals(i + 1 - first, retained.points().size());
                    for (int v = first; v <= i; v++) {
                        NodePrice expected = published.get(v).price(any.node(), any.classId());
                        PricePoint point = retained.points().get(v - first);
                        String at = "capacity " + capacity + ", version " + (v + 1) + " of " + (i + 1) + ", "
                                + any.node() + "/" + any.classId();
                        assertEquals(v + 1, point.version(), at);
                        assertEquals(T0.plusSeconds(v), point.clearedAt(), at);
                        assertEquals(List.of(expected.price(), expected.energy(), expected.scarcity(),
                                expected.routing(), expected.congestion(), expected.unservedPenalty()),
                                List.of(point.price(), point.energy(), point.scarcity(), point.routing(),
                                        point.congestion(), point.unservedPenalty()), at);
                        assertEquals(expected.servingNode(), point.servingNode(), at);
                        assertEquals(demand(v), point.causes(), at);
                    }
                }
            }
            assertEquals(Math.min(capacity, published.size()), history.size());
        }
    }
}
