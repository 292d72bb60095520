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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bounded store itself: what it keeps per version, its bound, and the order it insists on. */
class PriceHistoryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static Scenario scenario;
    private static ClearingResult result;

    @BeforeAll
    static void clear() {
        scenario = OracleService.withDefaultPenalty(EmbeddedScenarios.get("five-node"), 1000);
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
}
