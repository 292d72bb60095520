package io.tokenflow.market.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every clearing, published as JSON, passes the independent {@link CertificateChecker}: on every
 * embedded scenario and variant, and on 240 seeded random networks of 5-300 nodes (both bandwidth
 * models, latency limits, penalties, infeasible demand), with GLOP and with CLP, which must agree.
 */
class ClearingCertificateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RANDOM_SCENARIOS = 240;
    private static final int[] SIZES = {5, 7, 10, 15, 20, 30, 50, 80, 150, 300};

    static Stream<Scenario> embedded() {
        List<Scenario> scenarios = new ArrayList<>();
        for (String name : EmbeddedScenarios.names()) {
            scenarios.add(EmbeddedScenarios.get(name));
            scenarios.add(EmbeddedScenarios.get(name, ScenarioOptions.defaults()
                    .withBandwidthModel(BandwidthModel.TRANSFER_AWARE)));
        }
        ScenarioOptions paper = ScenarioOptions.defaults();
        scenarios.add(EmbeddedScenarios.get("five-node", paper.withMaxLatency("chat", 15).withMaxLatency("code", 20)));
        scenarios.add(EmbeddedScenarios.get("five-node", paper.withScale(40)));
        scenarios.add(EmbeddedScenarios.get("five-node", paper.withScale(10)));
        scenarios.add(EmbeddedScenarios.get("five-node", paper.withOpexAdder()));
        scenarios.add(EmbeddedScenarios.get("twenty-node", paper.withScale(40)));
        scenarios.add(EmbeddedScenarios.get("twenty-node", paper.withScale(20)));
        scenarios.add(EmbeddedScenarios.get("two-node", paper.withScale(3)));
        // an idle origin with no demand and a class with a penalty, on the paper's network
        scenarios.add(EmbeddedScenarios.get("five-node", paper.withScale(45))
                .withClasses(c -> c.id().equals("image") ? c.withUnservedPenalty(60) : c)
                .withDemand("seattle", "chat", 0));
        scenarios.addAll(edgeCases());
        return scenarios.stream();
    }

    /** Corners an unseen scenario may hit: no links, no demand, a data-free class, nothing servable. */
    static List<Scenario> edgeCases() {
        WorkloadClass chat = WorkloadClass.of("chat", 0.5, 1);
        WorkloadClass weightless = WorkloadClass.of("embed", 0, 0.2).withUnservedPenalty(5);
        ComputeNode a = new ComputeNode("a", "a", OptionalDouble.empty(), OptionalDouble.empty(), 0.05, 0,
                Map.of("chat", 2e6, "embed", 1e6));
        ComputeNode b = new ComputeNode("b", "b", OptionalDouble.empty(), OptionalDouble.empty(), 0.09, 0.01,
                Map.of("chat", 1e6));
        ComputeNode c = new ComputeNode("c", "c", OptionalDouble.empty(), OptionalDouble.empty(), 0.02, 0, Map.of());
        List<Link> ab = List.of(new Link("a", "b", 1, 5, 0.01, 0), new Link("b", "a", 1, 5, 0.01, 0.001),
                new Link("c", "a", 0, 5, 0.01, 0));
        return List.of(
                new Scenario("single node", null, List.of(chat, weightless), List.of(a), List.of(),
                        List.of(new Demand("a", "chat", 1.5e6))),
                new Scenario("no demand at all", null, List.of(chat, weightless), List.of(a, b, c), ab, List.of()),
                new Scenario("a class that moves no data", BandwidthModel.TOKEN_EQUIVALENT, List.of(chat, weightless),
                        List.of(a, b, c), ab, List.of(new Demand("b", "chat", 1.9e6), new Demand("b", "embed", 2e6),
                                new Demand("c", "embed", 1e5))),
                new Scenario("a link closed to 0 Gbps", BandwidthModel.TRANSFER_AWARE, List.of(chat, weightless),
                        List.of(a, b, c),
                        List.of(new Link("c", "a", 0, 5, 0.01, 0), new Link("c", "b", 10, 5, 0.01, 0),
                                new Link("b", "a", 10, 5, 0.01, 0)),
                        List.of(new Demand("a", "chat", 1.9e6), new Demand("b", "chat", 0.5e6))),
                new Scenario("nothing can serve the penalty class", BandwidthModel.TRANSFER_AWARE,
                        List.of(chat, weightless), List.of(b, c), List.of(),
                        List.of(new Demand("b", "embed", 3e5), new Demand("b", "chat", 1e5))));
    }

    /** The seeded random cases: sizes cycle through 5-300 nodes; every 6th is over-loaded. */
    static SyntheticScenarios.Spec randomSpec(int seed) {
        int nodes = SIZES[seed % SIZES.length];
        int classes = 1 + seed % 6;
        int neighbours = 2 + seed % 5;
        BandwidthModel model = seed % 2 == 0 ? BandwidthModel.TOKEN_EQUIVALENT : BandwidthModel.TRANSFER_AWARE;
        double load = seed % 6 == 0 ? 1.05 + 0.05 * (seed % 7) : 0.2 + 0.75 * ((seed * 37) % 100) / 100.0;
        boolean latency = seed % 3 != 0;
        double penaltyShare = switch (seed % 4) {
            case 0 -> 0;
            case 1 -> 0.3;
            case 2 -> 0.6;
            default -> 1.0;
        };
        return new SyntheticScenarios.Spec(nodes, classes, neighbours, model, load, latency, penaltyShare, seed);
    }

    static IntStream seeds() {
        return IntStream.rangeClosed(1, RANDOM_SCENARIOS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embedded")
    void embeddedScenariosAreCertified(Scenario scenario) throws Exception {
        certifyWithBothSolvers(scenario);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomScenariosAreCertified(int seed) throws Exception {
        certifyWithBothSolvers(SyntheticScenarios.generate(randomSpec(seed)));
    }

    @Test
    void randomCasesCoverWhatTheyClaim() {
        long transferAware = seeds().filter(s -> randomSpec(s).bandwidthModel() == BandwidthModel.TRANSFER_AWARE).count();
        long overloaded = seeds().filter(s -> randomSpec(s).load() > 1).count();
        long big = seeds().filter(s -> randomSpec(s).nodes() == 300).count();
        assertTrue(transferAware >= 100 && overloaded >= 30 && big >= 20,
                transferAware + " transfer-aware, " + overloaded + " overloaded, " + big + " of 300 nodes");
        // over-loaded must-serve classes really do make some of them infeasible
        long infeasible = seeds().filter(s -> s % 6 == 0 && s <= 60)
                .mapToObj(s -> MarketClearing.clearOnce(SyntheticScenarios.generate(randomSpec(s)), SolverKind.GLOP))
                .filter(r -> r.status() == ClearingStatus.INFEASIBLE)
                .count();
        assertTrue(infeasible >= 3, "only " + infeasible + " of the first 10 over-loaded cases are infeasible");
    }

    private static void certifyWithBothSolvers(Scenario scenario) throws Exception {
        String scenarioJson = ScenarioJson.write(scenario);
        assertEquals(scenario, ScenarioJson.read(scenarioJson), "scenario JSON round trip");
        JsonNode scenarioTree = JSON.readTree(scenarioJson);
        ClearingResult glop = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        ClearingResult clp = MarketClearing.clearOnce(scenario, SolverKind.CLP);
        assertEquals(glop.status(), clp.status(), "GLOP and CLP disagree on feasibility");
        for (ClearingResult result : List.of(glop, clp)) {
            List<String> violations = CertificateChecker.check(scenarioTree,
                    JSON.readTree(ClearingResultJson.write(result)));
            assertTrue(violations.isEmpty(), result.stats().solver() + " on " + scenario.name() + ":\n  "
                    + String.join("\n  ", violations));
        }
        if (glop.optimal()) {
            double a = glop.objectivePerHour().getAsDouble();
            double b = clp.objectivePerHour().getAsDouble();
            assertEquals(a, b, 1e-7 * Math.max(1, Math.abs(a)), "GLOP and CLP optimal costs differ");
        }
    }
}
