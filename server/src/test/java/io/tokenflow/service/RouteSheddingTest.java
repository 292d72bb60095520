package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.UnservedDemand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route under shortage: the request-id draw sheds each origin × class's unserved share (y / d of the
 * cleared market) and spreads the rest over the served split; Quote and FeasibleSites say the same share.
 */
class RouteSheddingTest {
    private static final int IDS = 10_000;
    private LeaderOracle oracle;

    @AfterEach
    void close() {
        if (oracle != null) {
            oracle.close();
        }
    }

    private LeaderOracle start(Scenario scenario) {
        oracle = LeaderOracle.start(scenario, OracleConfig.builder().build(), new SimpleMeterRegistry());
        return oracle;
    }

    static Stream<Arguments> shortages() {
        return Stream.of(
                Arguments.of("five-node at 60x", EmbeddedScenarios.get("five-node",
                        ScenarioOptions.defaults().withScale(60))),
                Arguments.of("twenty-node, dallas image halved", EmbeddedScenarios.get("twenty-node")
                        .withCapacity("dallas", "image", 120_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortages")
    void everyShortOriginShedsItsUnservedShareOfTenThousandIdsWithinOnePoint(String name, Scenario scenario) {
        start(scenario);
        MarketSnapshot snapshot = oracle.state().snapshot();
        Map<String, Double> demand = new HashMap<>();
        snapshot.scenario().demand().forEach(d -> demand.put(d.origin() + "/" + d.classId(), d.tokensPerSecond()));
        int short_ = 0;
        for (UnservedDemand u : snapshot.result().unserved()) {
            if (!(u.tokensPerSecond() > 0)) {
                continue;
            }
            short_++;
            double expected = u.tokensPerSecond() / demand.get(u.node() + "/" + u.classId());
            String at = u.node() + "/" + u.classId();
            Quote quote = oracle.quote(u.node(), u.classId());
            assertEquals(expected, quote.unserved().share(), 1e-12, at);
            assertEquals(u.tokensPerSecond(), quote.unserved().unservedTokensPerSecond(), at);
            assertEquals(quote.unserved(), oracle.feasibleSites(u.node(), u.classId()).unserved(), at);
            WorkloadClass cls = snapshot.scenario().workloadClass(u.classId());
            assertEquals(cls.unservedPenaltyPerMTokens().getAsDouble(), quote.price().price(), 1e-6,
                    at + " leaves demand unserved, so it is priced at the penalty");
            Map<String, Integer> served = new HashMap<>();
            int shed = 0;
            for (int i = 0; i < IDS; i++) {
                RouteDecision d = oracle.route(u.node(), u.classId(), "req-" + i, List.of());
                if (d.reason() == RouteDecision.Reason.UNSERVED) {
                    shed++;
                    assertEquals(Optional.empty(), d.site(), at);
                    assertEquals(List.of(), d.path(), at);
                    assertEquals(Optional.of(cls.maxLatencyMs().isPresent() ? UnservedHint.SHED : UnservedHint.QUEUE),
                            d.hint(), at);
                    assertEquals(cls.unservedPenaltyPerMTokens().getAsDouble(), d.deliveredCost(), at);
                } else {
                    assertEquals(RouteDecision.Reason.CLEARED_SPLIT, d.reason(), at);
                    served.merge(d.site().orElseThrow(), 1, Integer::sum);
                }
                assertEquals(expected, d.unserved().share(), 1e-12, at);
            }
            assertEquals(expected, shed / (double) IDS, 0.01, at + " sheds its unserved share");
            List<ServingShare> split = oracle.servingSplit(snapshot, u.classId()).getOrDefault(u.node(), List.of());
            for (ServingShare s : split) {
                assertEquals(s.share() * (1 - expected), served.getOrDefault(s.site(), 0) / (double) IDS, 0.02,
                        at + " to " + s.site() + ": the served ids follow the split");
            }
        }
        assertTrue(short_ >= 2, name + " leaves several origin x class pairs short, got " + short_);
    }

    @Test
    void anOriginThatReachesNoCapacityShedsEveryIdAndTheOthersShedNone() {
        // b has no chat capacity and its only link, to a, is over chat's 100 ms limit (PER_LINK): none of
        // b's chat can be served, all of a's is
        WorkloadClass chat = new WorkloadClass("chat", 1, 1, OptionalDouble.of(100), OptionalDouble.of(500), 0);
        ComputeNode a = new ComputeNode("a", "a", OptionalDouble.empty(), OptionalDouble.empty(), 0.05, 0,
                Map.of("chat", 10_000.0));
        ComputeNode b = new ComputeNode("b", "b", OptionalDouble.empty(), OptionalDouble.empty(), 0.10, 0,
                Map.of("chat", 0.0));
        Scenario scenario = new Scenario("cut-off", BandwidthModel.TOKEN_EQUIVALENT, List.of(chat), List.of(a, b),
                List.of(new Link("a", "b", 800, 20, 0.01, 0), new Link("b", "a", 800, 150, 0.01, 0)),
                List.of(new Demand("a", "chat", 2000), new Demand("b", "chat", 1000)))
                .withLatencyScope(io.tokenflow.market.model.LatencyScope.PER_LINK);
        start(scenario);
        assertEquals(1.0, oracle.quote("b", "chat").unserved().share());
        assertEquals(0.0, oracle.quote("a", "chat").unserved().share());
        for (int i = 0; i < 500; i++) {
            RouteDecision cut = oracle.route("b", "chat", "id-" + i, List.of());
            assertEquals(RouteDecision.Reason.UNSERVED, cut.reason());
            assertEquals(Optional.of(UnservedHint.SHED), cut.hint(), "chat has a latency limit");
            assertEquals(500, cut.deliveredCost(), "the penalty the market books");
            RouteDecision fine = oracle.route("a", "chat", "id-" + i, List.of());
            assertEquals(RouteDecision.Reason.CLEARED_SPLIT, fine.reason());
            assertEquals(Optional.of("a"), fine.site());
            assertEquals(Optional.empty(), fine.hint());
        }
        OriginSplit split = oracle.splits(oracle.state().snapshot(), "chat").get("b");
        assertTrue(split.shares().isEmpty(), split.toString());
        assertTrue(split.drawsFromSplit(), "it sheds all");
        assertFalse(oracle.servingSplit(oracle.state().snapshot(), "chat").containsKey("b"));
    }
}
