package io.tokenflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Two nodes, hand-checked: a (0.05 $/kWh, 1,000 tok/s) and b (0.10 $/kWh, 10,000 tok/s); chat is
 * 1 kWh and 1 GB per M tokens with a 100 ms limit; a→b 20 ms, b→a 150 ms (over the limit), tariff
 * 0.01 $/GB both ways. Demand a 2,000 and b 1,000 tok/s in requests of exactly 100 tokens, 3 steps of
 * 1 s, queues bounded at 2 s of capacity.
 */
class SimulatorTest {
    private static final double EPS = 1e-12;

    private static Scenario twoNodes() {
        WorkloadClass chat = new WorkloadClass("chat", 1, 1, OptionalDouble.of(100), OptionalDouble.empty(), 0);
        ComputeNode a = new ComputeNode("a", "a", OptionalDouble.empty(), OptionalDouble.empty(), 0.05, 0,
                Map.of("chat", 1000.0));
        ComputeNode b = new ComputeNode("b", "b", OptionalDouble.empty(), OptionalDouble.empty(), 0.10, 0,
                Map.of("chat", 10000.0));
        return new Scenario("hand", BandwidthModel.TOKEN_EQUIVALENT, List.of(chat), List.of(a, b),
                List.of(new Link("a", "b", 800, 20, 0.01, 0), new Link("b", "a", 800, 150, 0.01, 0)),
                List.of(new Demand("a", "chat", 2000), new Demand("b", "chat", 1000)));
    }

    private static RoutingStrategy fixed(String name, String site) {
        return new RoutingStrategy() {
            public String name() {
                return name;
            }

            public RouteChoice choose(String origin, String cls, String id) {
                return new RouteChoice(site, origin.equals(site) ? List.of(origin) : List.of(origin, site));
            }
        };
    }

    private static RoutingStrategy local() {
        return new RoutingStrategy() {
            public String name() {
                return "local";
            }

            public RouteChoice choose(String origin, String cls, String id) {
                return new RouteChoice(origin, List.of(origin));
            }
        };
    }

    private static List<Simulator.Outcome> run(Simulator.Drop drop, RoutingStrategy... strategies) {
        Simulator sim = new Simulator(twoNodes(), new Simulator.Config(3, 1, 2, 1), k -> new RequestSizes(100, 100),
                false);
        return sim.run(List.of(strategies), drop);
    }

    @Test
    void everythingToTheCheapSiteQueuesThenRejectsAndPaysTheTariff() {
        Simulator.Outcome o = run(null, fixed("all-to-a", "a")).get(0);
        // a gets 3,000 tok/s for 1,000 of capacity: queue 2,000 after step 1 (the bound), then 2,000 rejected a step
        assertEquals(9000, o.requestedTokens, EPS);
        assertEquals(4000, o.rejectedTokens, EPS);
        assertEquals(5000, o.acceptedTokens, EPS);
        assertEquals(2000, o.queuedAtEnd, EPS);
        assertEquals(2.0, o.maxQueueSeconds, EPS);
        assertEquals(Set.of("a"), o.overloadedSites);
        // step cost when all is accepted: 2,000 × 0.05 + 1,000 × (0.05 + 0.01 × 1 GB) per M tokens
        double full = (2000 * 0.05 + 1000 * 0.06) / 1e6;
        assertEquals(full, o.costPerStep[0], EPS);
        assertEquals(full / 3, o.costPerStep[1], EPS);
        assertEquals(full * 5 / 3, o.cost, EPS);
        // b→a is 150 ms, over chat's 100 ms: only a's own accepted tokens are within the limit
        assertEquals(2000 + 2 * 2000.0 / 3, o.withinLatencyTokens, 1e-9);
    }

    @Test
    void localServingRejectsOnlyWhereDemandExceedsCapacityAndTheDropChangesCapacity() {
        AtomicInteger hook = new AtomicInteger();
        Simulator.Drop drop = new Simulator.Drop(1, "b", "chat", 500, hook::incrementAndGet);
        Simulator.Outcome o = run(drop, local()).get(0);
        assertEquals(1, hook.get());
        // a: queue 1,000, 2,000, then 3,000 > 2,000 → 1,000 rejected; b: after the drop to 500 tok/s its queue
        // is 500 then 1,000 = its new bound, so b is not overloaded
        assertEquals(1000, o.rejectedTokens, EPS);
        assertEquals(Set.of("a"), o.overloadedSites);
        assertEquals(2000 + 1000, o.queuedAtEnd, EPS);
        assertEquals((2000 * 0.05 + 1000 * 0.10) / 1e6 * 2 + (1000 * 0.05 + 1000 * 0.10) / 1e6, o.cost, EPS);
        assertEquals(8000, o.withinLatencyTokens, EPS);
        assertEquals(o.costPerStep[0], o.costBefore, EPS);
        assertTrue(o.overloadedLinks.isEmpty());
        assertEquals(Map.of("b", 1000.0), o.dropClassShares.get(0).get("b"));
        assertEquals(Map.of("b", 2000.0), o.dropClassShares.get(1).get("b"));
    }

    @Test
    void aLinkCarryingMoreThanItsCapacityOnAverageIsReported() {
        Scenario s = twoNodes().withLinkCapacity("b", "a", 0.004); // 0.0005 GB/s; b→a carries 0.001 GB/s
        Simulator sim = new Simulator(s, new Simulator.Config(3, 1, 2, 1), k -> new RequestSizes(100, 100), false);
        Simulator.Outcome o = sim.run(List.of(fixed("all-to-a", "a")), null).get(0);
        assertEquals(Set.of("b->a"), o.overloadedLinks);
    }
}
