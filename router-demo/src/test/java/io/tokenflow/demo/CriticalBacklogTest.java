package io.tokenflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backlog queueing alone leaves at full sites, against σ√(2T/π) computed by hand. */
class CriticalBacklogTest {

    private static LpWindow.Half half(double seconds, Map<String, double[]> processing) {
        return new LpWindow.Half(0, 0, 0, seconds, processing);
    }

    @Test
    void aFullSiteHoldsSigmaRootTwoTOverPiAndASiteWithRoomDrains() {
        // requests of exactly 100 tokens: E[size²] / E[size] = 100, so at 1,000 tok/s σ² = 100,000 tokens² a second
        Map<String, double[]> full = Map.of("a/chat", new double[] {1000, 1000}, "b/chat", new double[] {400, 1000});
        LpWindow one = new LpWindow(List.of(half(60, full), half(0, Map.of())));
        Map<String, Double> backlog = CriticalBacklog.expected(one, k -> new RequestSizes(100, 100));
        assertEquals(Map.of("a/chat", Math.sqrt(2 * 1e5 * 60 / Math.PI)), backlog, "b has room: no backlog");

        // a second half at 500 tok/s, full: the variances add up
        LpWindow both = new LpWindow(List.of(half(60, full), half(30, Map.of("a/chat", new double[] {500, 500}))));
        assertEquals(Math.sqrt(2 * (1e5 * 60 + 5e4 * 30) / Math.PI),
                CriticalBacklog.expected(both, k -> new RequestSizes(100, 100)).get("a/chat"), 1e-9);

        // a second half with 10 tok/s of room for 30 s drains 300 of the ~1,954 tokens; 100 tok/s drains them all
        double first = Math.sqrt(2 * 1e5 * 60 / Math.PI);
        LpWindow slow = new LpWindow(List.of(half(60, full), half(30, Map.of("a/chat", new double[] {990, 1000}))));
        assertEquals(first - 300, CriticalBacklog.expected(slow, k -> new RequestSizes(100, 100)).get("a/chat"), 1e-9);
        LpWindow fast = new LpWindow(List.of(half(60, full), half(30, Map.of("a/chat", new double[] {900, 1000}))));
        assertEquals(Map.of(), CriticalBacklog.expected(fast, k -> new RequestSizes(100, 100)));
    }

    @Test
    void sizeVarianceCountsForUniformWholeNumberSizes() {
        RequestSizes chat = RequestSizes.of("chat"); // 200..1,800: 1,601 values
        assertEquals(1000 * 1000 + (1601.0 * 1601 - 1) / 12, chat.meanSquare(), 1e-9);
    }
}
