package io.tokenflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The whole demo run against the real market in this JVM (no RPC), on short windows. */
class DemoRunInProcessTest {
    private static final OracleConfig CONFIG = OracleConfig.builder().build();

    private static DemoRun.Result run(Scenario scenario, Optional<DemoRun.CapacityDrop> drop, int seconds, long seed) {
        try (LeaderOracle oracle = LeaderOracle.start(scenario, CONFIG, new SimpleMeterRegistry())) {
            DemoRun.Settings settings = new DemoRun.Settings(new Simulator.Config(seconds, 1, 5, seed), drop,
                    CONFIG.defaultUnservedPenaltyPerMTokens(), 0);
            return DemoRun.run(scenario, new InProcessOracleClient(oracle), settings,
                    new PrintWriter(java.io.Writer.nullWriter()));
        }
    }

    private static void assertEveryTokenAccountedFor(DemoRun.Result r) {
        for (Outcome o : r.outcomes()) {
            assertEquals(o.requestedTokens, o.servedTokens + o.unservedTokens(), 1e-6 * o.requestedTokens, o.name);
        }
    }

    @Test
    void onFiveNodeWithADropTheOracleOverloadsNothingAndSpillsBusyMomentsInsteadOfQueueing() {
        DemoRun.Result r = run(EmbeddedScenarios.get("five-node"),
                Optional.of(new DemoRun.CapacityDrop("dallas", "image", 0.5, 0.5)), 30, 7);
        assertEveryTokenAccountedFor(r);
        Outcome o = r.outcome("oracle");
        assertTrue(o.overloadedSites.isEmpty(), "oracle overloaded " + o.overloadedSiteClasses);
        assertEquals(0, o.rejectedTokens + o.shedTokens + o.unroutedTokens, "five-node is not short: all is routed");
        assertEquals(0, r.lpAtTraceDemand().shedTokens());
        assertTrue(r.expectedBacklog().keySet().containsAll(o.queuedAtEndBySite.keySet()),
                "the oracle leaves work queued only where the LP loads a site to capacity: " + o.queuedAtEndBySite);
        assertEquals(o.queuedAtEnd * 1000 / 1e6, r.penaltyOfBacklog(o), 1e-9, "every class at the default penalty");
        // a router that sends full sites exactly their share leaves about this much there (a random walk);
        // push-back spills the busy moments to sites with room, so little is left and the cost stays near the LP's
        double randomWalk = r.expectedBacklog().values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(o.queuedAtEnd < 0.1 * randomWalk, o.queuedAtEnd + " tokens left queued, a random walk leaves "
                + randomWalk);
        double aside = (o.costWithPenalty() - r.penaltyOfBacklog(o)) / r.lpAtTraceDemand().objective();
        assertTrue(r.toLp(o) >= aside, "the backlog is priced at the penalty");
        assertTrue(r.toLp(o) >= 0.99 && r.toLp(o) <= 1.02, "oracle / LP like with like = " + r.toLp(o));
        assertEquals(2, r.versionAfter());
        assertTrue(r.lpAtTraceDemand().halves().get(1).objectivePerHour()
                > r.lpAtTraceDemand().halves().get(0).objectivePerHour(), "the drop makes serving dearer");
        assertFalse(r.outcome("nearest").overloadedSites.isEmpty(), "nearest should overload");
        assertFalse(r.outcome("static-cheapest").overloadedSites.isEmpty(), "static-cheapest should overload");
    }

    @Test
    void onAShortMarketTheOracleLeavesUnservedWhatTheLpShedsAndOverloadsNothing() {
        Scenario scenario = EmbeddedScenarios.get("five-node", ScenarioOptions.defaults().withScale(60));
        DemoRun.Result r = run(scenario, Optional.empty(), 20, 11);
        assertEveryTokenAccountedFor(r);
        Outcome o = r.outcome("oracle");
        assertTrue(o.overloadedSites.isEmpty(), "oracle overloaded " + o.overloadedSiteClasses);
        assertEquals(0, o.rejectedTokens + o.unroutedTokens);
        // what Route's shares of the market say to shed of the tokens the trace requested
        double expected = 0;
        try (LeaderOracle oracle = LeaderOracle.start(scenario, CONFIG, new SimpleMeterRegistry())) {
            for (Map.Entry<Simulator.OriginClass, Double> e : r.replay().requestedByHalf().get(0).entrySet()) {
                expected += e.getValue() * oracle.quote(e.getKey().origin(), e.getKey().classId()).unserved().share();
            }
        }
        assertTrue(expected > 0, "five-node at 60x is short");
        // it sheds what Route sheds where no site has room, and serves the rest where one has: what it leaves
        // unserved (shed, or still queued at the end) is what the LP sheds at the demand the trace drew
        double lpShed = r.lpAtTraceDemand().shedTokens();
        assertTrue(lpShed > 0);
        assertTrue(o.shedTokens <= expected, o.shedTokens + " shed, Route's share " + expected);
        assertTrue(o.shedTokens >= 0.75 * expected, o.shedTokens + " shed, Route's share " + expected);
        assertEquals(lpShed, o.shedTokens + o.queuedAtEnd, 0.02 * lpShed, "unserved like the LP");
        assertTrue(r.toLp(o) >= 0.99 && r.toLp(o) <= 1.01, "oracle / LP like with like = " + r.toLp(o));
    }
}
