package io.tokenflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.demo.router.RouteChoice;
import io.tokenflow.demo.router.RoutingStrategy;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, every figure computed by hand: a (0.05 $/kWh, 1,000 tok/s) and b (0.10 $/kWh, 10,000
 * tok/s); chat is 1 kWh and 1 GB per M tokens with a 100 ms limit and a $1000/M penalty; a→b 20 ms, b→a
 * 150 ms (over the limit), tariff 0.01 $/GB both ways. Demand a 2,000 and b 1,000 tok/s in requests of
 * exactly 100 tokens, 3 steps of 1 s, queues bounded at 2 s of capacity. A token costs when it is
 * served; one not served in the window (rejected, shed, unrouted, still queued) costs the penalty.
 */
class SimulatorTest {
    private static final double EPS = 1e-12;
    private static final double PENALTY = 1000e-6; // $ per token

    static Scenario twoNodes() {
        WorkloadClass chat = new WorkloadClass("chat", 1, 1, OptionalDouble.of(100), OptionalDouble.of(1000), 0);
        ComputeNode a = new ComputeNode("a", "a", OptionalDouble.empty(), OptionalDouble.empty(), 0.05, 0,
                Map.of("chat", 1000.0));
        ComputeNode b = new ComputeNode("b", "b", OptionalDouble.empty(), OptionalDouble.empty(), 0.10, 0,
                Map.of("chat", 10000.0));
        return new Scenario("hand", BandwidthModel.TOKEN_EQUIVALENT, List.of(chat), List.of(a, b),
                List.of(new Link("a", "b", 800, 20, 0.01, 0), new Link("b", "a", 800, 150, 0.01, 0)),
                List.of(new Demand("a", "chat", 2000), new Demand("b", "chat", 1000)));
    }

    private static RoutingStrategy strategy(String name, java.util.function.Function<String, RouteChoice> byOrigin) {
        return new RoutingStrategy() {
            public String name() {
                return name;
            }

            public RouteChoice choose(String origin, String cls, String id) {
                return byOrigin.apply(origin);
            }
        };
    }

    private static RoutingStrategy fixed(String name, String site) {
        return strategy(name, origin -> new RouteChoice(site, origin.equals(site) ? List.of(origin)
                : List.of(origin, site)));
    }

    private static Simulator.Replay run(Scenario s, Simulator.Drop drop, RoutingStrategy... strategies) {
        Simulator sim = new Simulator(s, new Simulator.Config(3, 1, 2, 1), k -> new RequestSizes(100, 100), false);
        return sim.run(List.of(strategies), drop);
    }

    private static void assertEveryTokenAccountedFor(Outcome o) {
        assertEquals(o.requestedTokens, o.servedTokens + o.unservedTokens(), 1e-9, o.name);
        assertEquals(o.servedCost + o.unservedTokens() * PENALTY, o.costWithPenalty(), 1e-12, o.name);
        double perStep = 0;
        for (int t = 0; t < o.servedCostPerStep.length; t++) {
            perStep += o.servedCostPerStep[t] + o.penaltyPerStep[t];
        }
        assertEquals(o.costWithPenalty(), perStep, 1e-12, o.name);
        assertEquals(o.costWithPenalty(), o.costWithPenaltyByHalf[0] + o.costWithPenaltyByHalf[1], 1e-12, o.name);
    }

    @Test
    void everythingToTheCheapSiteQueuesRejectsAndCountsTheBacklogAtThePenalty() {
        Outcome o = run(twoNodes(), null, fixed("all-to-a", "a")).outcomes().get(0);
        // a gets 3,000 tokens a step for 1,000 of capacity: it serves 1,000 a step, oldest first; the queue
        // reaches its bound (2,000) after step 0, then 2,000 newest tokens a step are rejected
        assertEquals(9000, o.requestedTokens, EPS);
        assertEquals(3000, o.servedTokens, EPS);
        assertEquals(4000, o.rejectedTokens, EPS);
        assertEquals(2000, o.queuedAtEnd, EPS);
        assertEquals(Map.of("a/chat", 2000.0), o.queuedAtEndBySite);
        assertEquals(0, o.shedTokens + o.unroutedTokens, EPS);
        assertEquals(2.0, o.maxQueueSeconds, EPS);
        assertEquals(Set.of("a"), o.overloadedSites);
        // every step's batch is 2,000 of a's (0.05 $/M) and 1,000 of b's (0.05 + 0.01 × 1 GB tariff): a served
        // token costs 160 / 3,000 $/M, whichever batch it comes from
        double perToken = (2000 * 0.05 + 1000 * 0.06) / 3000 / 1e6;
        for (int t = 0; t < 3; t++) {
            assertEquals(1000 * perToken, o.servedCostPerStep[t], EPS);
        }
        assertEquals(3000 * perToken, o.servedCost, EPS);
        assertEquals(0, o.penaltyPerStep[0], EPS);
        assertEquals(2000 * PENALTY, o.penaltyPerStep[1], EPS);
        assertEquals((2000 + 2000) * PENALTY, o.penaltyPerStep[2], EPS, "step 2's rejections and the backlog");
        assertEquals(3000 * perToken + 6000 * PENALTY, o.costWithPenalty(), EPS);
        // b→a is 150 ms, over chat's 100 ms: only a's own tokens (2/3 of each batch) are within the limit
        assertEquals(2000, o.servedWithinLatencyTokens, 1e-9);
        assertEveryTokenAccountedFor(o);
    }

    @Test
    void aShedRequestCostsThePenaltyAndNeverReachesASite() {
        RoutingStrategy shedB = strategy("shed-b", origin -> origin.equals("b") ? RouteChoice.shedding()
                : new RouteChoice("a", List.of("a")));
        RoutingStrategy noRouteForB = strategy("lost-b", origin -> origin.equals("b") ? null
                : new RouteChoice("a", List.of("a")));
        Simulator.Replay replay = run(twoNodes(), null, shedB, noRouteForB);
        for (Outcome o : replay.outcomes()) {
            // a: 2,000 a step for 1,000: queue 1,000, then 2,000 (the bound), then 1,000 rejected
            assertEquals(3000, o.servedTokens, EPS, o.name);
            assertEquals(1000, o.rejectedTokens, EPS, o.name);
            assertEquals(2000, o.queuedAtEnd, EPS, o.name);
            assertEquals(3000 * 0.05 / 1e6, o.servedCost, EPS, o.name);
            assertEquals(3000 * 0.05 / 1e6 + (3000 + 1000 + 2000) * PENALTY, o.costWithPenalty(), EPS, o.name);
            assertEquals(3000, o.servedWithinLatencyTokens, EPS, o.name);
            assertEveryTokenAccountedFor(o);
        }
        assertEquals(3000, replay.outcomes().get(0).shedTokens, EPS);
        assertEquals(0, replay.outcomes().get(0).unroutedTokens, EPS);
        assertEquals(3000, replay.outcomes().get(1).unroutedTokens, EPS);
        assertEquals(0, replay.outcomes().get(1).shedTokens, EPS);
    }

    @Test
    void localServingUnderADropBooksEachHalfAndTheTraceDemandPerHalf() {
        AtomicInteger hook = new AtomicInteger();
        Simulator.Drop drop = new Simulator.Drop(1, "b", "chat", 500, hook::incrementAndGet);
        Simulator.Replay replay = run(twoNodes(), drop, fixed("local-a", "a"), strategy("local",
                origin -> new RouteChoice(origin, List.of(origin))));
        Outcome o = replay.outcomes().get(1);
        assertEquals(1, hook.get());
        // a: queue 1,000, 2,000, then 3,000 > 2,000 → 1,000 rejected; b: 1,000 served at 10,000 tok/s, then at
        // 500 tok/s its queue is 500, then 1,000 = its new bound: not overloaded
        assertEquals(5000, o.servedTokens, EPS);
        assertEquals(1000, o.rejectedTokens, EPS);
        assertEquals(Set.of("a"), o.overloadedSites);
        assertEquals(2000 + 1000, o.queuedAtEnd, EPS);
        assertEquals(Map.of("a/chat", 2000.0, "b/chat", 1000.0), o.queuedAtEndBySite);
        assertEquals((1000 * 0.05 + 1000 * 0.10) / 1e6, o.servedCostPerStep[0], EPS);
        assertEquals((1000 * 0.05 + 500 * 0.10) / 1e6, o.servedCostPerStep[1], EPS);
        assertEquals((1000 * 0.05 + 500 * 0.10) / 1e6, o.servedCostPerStep[2], EPS);
        assertEquals(o.servedCostPerStep[0], o.costWithPenaltyByHalf[0], EPS);
        assertEquals((1000 * 0.05 + 500 * 0.10) / 1e6 * 2 + (1000 + 3000) * PENALTY, o.costWithPenaltyByHalf[1], EPS);
        assertEquals(5000, o.servedWithinLatencyTokens, EPS);
        assertTrue(o.overloadedLinks.isEmpty());
        assertEquals(Map.of("b", 1000.0), o.dropClassShares.get(0).get("b"));
        assertEquals(Map.of("b", 2000.0), o.dropClassShares.get(1).get("b"));
        assertEveryTokenAccountedFor(o);
        assertEveryTokenAccountedFor(replay.outcomes().get(0));
        // the trace, the same for every strategy: one step before the drop, two after
        assertEquals(Map.of(new Simulator.OriginClass("a", "chat"), 2000.0, new Simulator.OriginClass("b", "chat"),
                1000.0), replay.requestedByHalf().get(0));
        assertEquals(Map.of(new Simulator.OriginClass("a", "chat"), 4000.0, new Simulator.OriginClass("b", "chat"),
                2000.0), replay.requestedByHalf().get(1));
        assertEquals(1, replay.halfSteps()[0]);
        assertEquals(2, replay.halfSteps()[1]);
    }

    @Test
    void theLpWindowServesShedsAndCostsAsComputedByHand() {
        Scenario s = twoNodes();
        // a serves 1,000 of its own at 0.05 and ships 1,000 to b (0.10 + 0.01 tariff); b serves its own at 0.10
        LpWindow.Half full = LpWindow.clear(s, 60);
        assertEquals((1000 * 0.05 + 1000 * 0.11 + 1000 * 0.10) / 1e6 * 3600, full.objectivePerHour(), 1e-9);
        assertEquals(full.objectivePerHour(), full.servedCostPerHour(), 1e-12);
        assertEquals(0, full.shedTokensPerSecond(), EPS);
        // b down to 500 tok/s and b→a over the limit: b serves 500 of its own, 1,500 (a's 1,000 extra, b's 500)
        // go unserved at $1000/M
        LpWindow.Half dropped = LpWindow.clear(s.withCapacity("b", "chat", 500), 60);
        assertEquals((1000 * 0.05 + 500 * 0.10) / 1e6 * 3600, dropped.servedCostPerHour(), 1e-9);
        assertEquals(1500, dropped.shedTokensPerSecond(), 1e-6);
        assertEquals(dropped.servedCostPerHour() + 1500 * PENALTY * 3600, dropped.objectivePerHour(), 1e-6);
        LpWindow window = new LpWindow(List.of(full, dropped));
        assertEquals(1500 * 60, window.shedTokens(), 1e-3);
        assertEquals((full.objectivePerHour() + dropped.objectivePerHour()) * 60 / 3600, window.objective(), 1e-9);
        // the trace's demand as rates: 4,000 tokens over 2 s is 2,000 tok/s
        Scenario trace = DemoRun.withTraceDemand(s, Map.of(new Simulator.OriginClass("a", "chat"), 4000.0), 2);
        assertEquals(2000, trace.demandTable()[0][0], EPS);
        assertEquals(0, trace.demandTable()[1][0], EPS, "an origin x class the trace drew nothing of");
    }

    @Test
    void sitesPushBackOnceAStepOfCapacityIsSentAndReportTheirBacklogInSeconds() {
        // everything to a (1,000 tok/s, 100-token requests): busy from the 11th request of a step on; after
        // step 0 it carries 2,000 tokens (its bound), 2 s of its capacity
        java.util.List<String> seen = new java.util.ArrayList<>();
        RoutingStrategy listening = new RoutingStrategy() {
            int request;

            public String name() {
                return "listening";
            }

            public RouteChoice choose(String origin, String cls, String id) {
                throw new AssertionError("the simulator passes its push-back");
            }

            @Override
            public RouteChoice choose(String origin, String cls, String id, io.tokenflow.demo.router.SitePushBack p) {
                int step = Integer.parseInt(id.split("/")[2]);
                int n = request++ % 30; // the request's place in its step
                if (n == 0 || n == 9 || n == 10) {
                    seen.add(step + ":" + p.busy("a", cls) + ":" + p.backlogSeconds("a", cls) + ":" + p.backlogSeconds("b", cls));
                }
                return new RouteChoice("a", origin.equals("a") ? List.of("a") : List.of(origin, "a"));
            }
        };
        run(twoNodes(), null, listening);
        // per step 30 requests: the 1st, 10th and 11th of each
        assertEquals(List.of("0:false:0.0:0.0", "0:false:0.0:0.0", "0:true:0.0:0.0",
                "1:true:2.0:0.0", "1:true:2.0:0.0", "1:true:2.0:0.0",
                "2:true:2.0:0.0", "2:true:2.0:0.0", "2:true:2.0:0.0"), seen);
    }

    @Test
    void requestsOfAllOriginsArriveInterleavedAndTheOrderChangesNoArrival() {
        java.util.List<String> order = new java.util.ArrayList<>();
        RoutingStrategy recording = strategy("recording", origin -> {
            order.add(origin);
            return new RouteChoice(origin, List.of(origin));
        });
        Simulator.Replay replay = run(twoNodes(), null, recording);
        assertEquals(90, order.size(), "3 steps of 20 + 10 requests");
        List<String> step0 = order.subList(0, 30);
        assertEquals(20, step0.stream().filter("a"::equals).count());
        assertTrue(step0.indexOf("b") < 20 && step0.lastIndexOf("a") > 10, "a's and b's mixed: " + step0);
        assertEquals(Map.of(new Simulator.OriginClass("a", "chat"), 6000.0, new Simulator.OriginClass("b", "chat"),
                3000.0), replay.requestedByHalf().get(0));
    }

    @Test
    void theRouterReportsTheMeanRateItHasSeenAndStrategiesHearOfTheNewVersion() {
        List<Map<Simulator.OriginClass, Double>> reports = new java.util.ArrayList<>();
        AtomicInteger versions = new AtomicInteger();
        RoutingStrategy local = new RoutingStrategy() {
            public String name() {
                return "local";
            }

            public RouteChoice choose(String origin, String cls, String id) {
                return new RouteChoice(origin, List.of(origin));
            }

            @Override
            public void onNewVersion() {
                versions.incrementAndGet();
            }
        };
        Simulator sim = new Simulator(twoNodes(), new Simulator.Config(5, 1, 2, 1), k -> new RequestSizes(100, 100), false);
        sim.run(List.of(local), null, new Simulator.DemandReports(2, reports::add));
        // before steps 2 and 4: 20 and 10 requests of 100 tokens a second so far
        Map<Simulator.OriginClass, Double> rates = Map.of(new Simulator.OriginClass("a", "chat"), 2000.0,
                new Simulator.OriginClass("b", "chat"), 1000.0);
        assertEquals(List.of(rates, rates), reports);
        assertEquals(2, versions.get());
        assertThrows(IllegalArgumentException.class, () -> new Simulator.DemandReports(0, r -> {}));
    }
}
