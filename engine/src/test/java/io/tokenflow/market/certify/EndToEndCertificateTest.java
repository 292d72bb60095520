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
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.PathFlow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * END_TO_END clearings pass the independent {@link CertificateChecker} on seeded random sparse networks
 * (rings with chords and nearest-neighbour graphs, both bandwidth models, penalties, over-loaded
 * must-serve demand), with GLOP and CLP, which must agree; and the two scopes give the same optimum where
 * they must (no limits; limits no path of the PER_LINK optimum exceeds), while on the random networks
 * they differ often, which is what makes these cases worth certifying.
 */
class EndToEndCertificateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RANDOM_SCENARIOS = 48;
    private static final int[] SIZES = {6, 8, 10, 14, 20, 30, 45, 60};
    /** Seeds whose END_TO_END optimum costs more than the PER_LINK one: the rules differ there. */
    private static final Map<Integer, Boolean> DIFFERS = new ConcurrentHashMap<>();

    /** Odd seeds are rings with chords, even ones nearest-neighbour graphs of 2-3 neighbours. */
    static SyntheticScenarios.Spec randomSpec(int seed) {
        int nodes = SIZES[seed % SIZES.length];
        int classes = 1 + seed % 4;
        BandwidthModel model = (seed / 2) % 2 == 0 ? BandwidthModel.TOKEN_EQUIVALENT : BandwidthModel.TRANSFER_AWARE;
        double load = seed % 7 == 0 ? 1.1 : 0.3 + 0.6 * ((seed * 37) % 100) / 100.0;
        double penaltyShare = switch (seed % 3) {
            case 0 -> 0;
            case 1 -> 0.5;
            default -> 1.0;
        };
        SyntheticScenarios.Spec spec = seed % 2 == 1
                ? new SyntheticScenarios.Spec(nodes, classes, 3, model, load, true, penaltyShare, seed)
                        .withShape(SyntheticScenarios.Shape.RING_WITH_CHORDS)
                : new SyntheticScenarios.Spec(nodes, classes, 2 + seed % 2, model, load, true, penaltyShare, seed);
        return spec.withLatencyScope(LatencyScope.END_TO_END);
    }

    static IntStream seeds() {
        return IntStream.rangeClosed(1, RANDOM_SCENARIOS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSparseNetworksAreCertified(int seed) throws Exception {
        Scenario scenario = SyntheticScenarios.generate(randomSpec(seed));
        ClearingResult endToEnd = certifyWithBothSolvers(scenario);
        ClearingResult perLink = MarketClearing.clearOnce(scenario.withLatencyScope(LatencyScope.PER_LINK), SolverKind.GLOP);
        if (endToEnd.optimal() && perLink.optimal()) {
            double e = endToEnd.objectivePerHour().getAsDouble();
            double p = perLink.objectivePerHour().getAsDouble();
            assertTrue(e >= p - 1e-7 * Math.max(1, p), "END_TO_END paths are PER_LINK paths too: " + e + " < " + p);
            DIFFERS.put(seed, e > p + 1e-6 * Math.max(1, p));
        }
    }

    @AfterAll
    static void theRulesDifferOnManyOfThem() {
        long differ = DIFFERS.values().stream().filter(d -> d).count();
        System.out.printf("END_TO_END certificates: %d random networks, %d optimal under both scopes, %d of them with"
                + " a dearer END_TO_END optimum%n", RANDOM_SCENARIOS, DIFFERS.size(), differ);
        assertTrue(DIFFERS.size() < RANDOM_SCENARIOS / 2 || differ >= DIFFERS.size() / 3,
                "END_TO_END changed the optimum of only " + differ + " of " + DIFFERS.size() + " random networks");
    }

    @Test
    void withoutLimitsTheScopesAgree() throws Exception {
        for (int seed : new int[] {3, 8, 17}) {
            Scenario s = SyntheticScenarios.generate(randomSpec(seed)).withClasses(c ->
                    new io.tokenflow.market.model.WorkloadClass(c.id(), c.gbPerMTokens(), c.kwhPerMTokens(),
                            java.util.OptionalDouble.empty(), c.unservedPenaltyPerMTokens(), c.opexPerMTokens()));
            assertSameOptimum(s);
        }
    }

    @Test
    void withLimitsNoPathOfThePerLinkOptimumExceedsTheScopesAgree() throws Exception {
        int checked = 0;
        for (int seed = 1; seed <= 24 && checked < 4; seed += 2) {
            Scenario s = SyntheticScenarios.generate(randomSpec(seed));
            ClearingResult perLink = MarketClearing.clearOnce(s.withLatencyScope(LatencyScope.PER_LINK), SolverKind.GLOP);
            if (!perLink.optimal()) {
                continue;
            }
            Map<String, Double> longest = perLink.pathFlows().stream()
                    .collect(Collectors.toMap(PathFlow::classId, PathFlow::latencyMs, Math::max));
            Scenario generous = s.withClasses(c -> c.maxLatencyMs().isPresent()
                    ? c.withMaxLatencyMs(Math.max(c.maxLatencyMs().getAsDouble(), longest.getOrDefault(c.id(), 0.0)))
                    : c);
            ClearingResult endToEnd = assertSameOptimum(generous);
            if (endToEnd.stats().pricingRounds() > 0) {
                checked++; // a limit some path could still exceed: cleared by column generation
            }
        }
        assertTrue(checked >= 2, "only " + checked + " generous cases went through column generation");
    }

    private static ClearingResult assertSameOptimum(Scenario s) throws Exception {
        ClearingResult endToEnd = certifyWithBothSolvers(s.withLatencyScope(LatencyScope.END_TO_END));
        ClearingResult perLink = MarketClearing.clearOnce(s.withLatencyScope(LatencyScope.PER_LINK), SolverKind.GLOP);
        assertEquals(perLink.status(), endToEnd.status(), s.name());
        if (perLink.optimal()) {
            double p = perLink.objectivePerHour().getAsDouble();
            assertEquals(p, endToEnd.objectivePerHour().getAsDouble(), 1e-7 * Math.max(1, p), s.name());
        }
        return endToEnd;
    }

    static ClearingResult certifyWithBothSolvers(Scenario scenario) throws Exception {
        String scenarioJson = ScenarioJson.write(scenario);
        assertEquals(scenario, ScenarioJson.read(scenarioJson), "scenario JSON round trip");
        JsonNode scenarioTree = JSON.readTree(scenarioJson);
        ClearingResult glop = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        ClearingResult clp = MarketClearing.clearOnce(scenario, SolverKind.CLP);
        assertEquals(glop.status(), clp.status(), "GLOP and CLP disagree on feasibility of " + scenario.name());
        for (ClearingResult result : List.of(glop, clp)) {
            List<String> violations = CertificateChecker.check(scenarioTree,
                    JSON.readTree(ClearingResultJson.write(result)));
            assertTrue(violations.isEmpty(), result.stats().solver() + " on " + scenario.name() + ":\n  "
                    + String.join("\n  ", violations));
        }
        if (glop.optimal()) {
            double a = glop.objectivePerHour().getAsDouble();
            double b = clp.objectivePerHour().getAsDouble();
            assertEquals(a, b, 1e-7 * Math.max(1, Math.abs(a)), "GLOP and CLP optimal costs differ on " + scenario.name());
        }
        return glop;
    }
}
