package io.tokenflow.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.PrintWriter;
import org.junit.jupiter.api.Test;

/** The whole demo run against the real market in this JVM (no RPC): the goal figures on five-node. */
class DemoRunInProcessTest {

    @Test
    void theOracleStrategyMatchesTheLpOptimumWithoutOverloadOnFiveNode() {
        Scenario scenario = EmbeddedScenarios.get("five-node");
        OracleConfig config = OracleConfig.builder().build();
        try (LeaderOracle oracle = LeaderOracle.start(scenario, config, new SimpleMeterRegistry())) {
            DemoRun.Settings settings = new DemoRun.Settings(new Simulator.Config(30, 1, 5, 7), "dallas", "image", 0.5,
                    0.5, config.defaultUnservedPenaltyPerMTokens());
            DemoRun.Result r = DemoRun.run(scenario, new InProcessOracleClient(oracle), settings,
                    new PrintWriter(java.io.Writer.nullWriter()));
            Simulator.Outcome o = r.outcome("oracle");
            double ratio = r.perHour(o.cost) / r.lpOptimumPerHour();
            assertTrue(ratio <= 1.01 && ratio >= 0.99, "oracle / LP = " + ratio);
            assertTrue(o.overloadedSites.isEmpty(), "oracle overloaded " + o.overloadedSiteClasses);
            assertEquals(0, o.rejectedTokens);
            assertEquals(2, r.versionAfter());
            assertTrue(r.lpAfterPerHour() > r.lpBeforePerHour());
            assertFalse(r.outcome("nearest").overloadedSites.isEmpty(), "nearest should overload");
            assertFalse(r.outcome("static-cheapest").overloadedSites.isEmpty(), "static-cheapest should overload");
        }
    }
}
