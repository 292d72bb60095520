package io.tokenflow.market.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The checker is only worth something if it rejects wrong answers: each mutation here must be caught. */
class CertificateCheckerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode scenarioTree(Scenario s) throws Exception {
        return JSON.readTree(ScenarioJson.write(s));
    }

    private static ObjectNode resultTree(Scenario s) throws Exception {
        return (ObjectNode) JSON.readTree(ClearingResultJson.write(MarketClearing.clearOnce(s, SolverKind.GLOP)));
    }

    private static List<String> mutated(Scenario s, Consumer<ObjectNode> mutation) throws Exception {
        ObjectNode result = resultTree(s);
        mutation.accept(result);
        return CertificateChecker.check(scenarioTree(s), result);
    }

    private static ObjectNode find(JsonNode array, String node, String cls) {
        for (JsonNode e : array) {
            if (e.get("node").asText().equals(node) && e.get("class").asText().equals(cls)) {
                return (ObjectNode) e;
            }
        }
        throw new AssertionError(node + " " + cls);
    }

    @Test
    void acceptsTheEngineAnswer() throws Exception {
        Scenario s = EmbeddedScenarios.get("five-node");
        assertEquals(List.of(), CertificateChecker.check(scenarioTree(s), resultTree(s)));
    }

    @Test
    void rejectsAPriceOffByACent() throws Exception {
        List<String> v = mutated(EmbeddedScenarios.get("five-node"),
                r -> find(r.get("prices"), "dallas", "image").put("price", 41.51));
        assertTrue(v.stream().anyMatch(m -> m.contains("strong duality")), v.toString());
        assertTrue(v.stream().anyMatch(m -> m.contains("dallas image")), v.toString());
    }

    @Test
    void rejectsAMissingCongestionRent() throws Exception {
        List<String> v = mutated(EmbeddedScenarios.get("five-node"), r -> {
            for (JsonNode l : r.get("links")) {
                ((ObjectNode) l).put("congestionRent", 0.0);
            }
        });
        assertTrue(v.stream().anyMatch(m -> m.startsWith("arc silicon-valley->seattle")), v.toString());
    }

    @Test
    void rejectsAScarcityRentOnSpareCapacity() throws Exception {
        List<String> v = mutated(EmbeddedScenarios.get("five-node"),
                r -> find(r.get("processing"), "ashburn", "chat").put("scarcityRent", 0.01));
        assertTrue(v.stream().anyMatch(m -> m.contains("CS: ashburn chat has rent")), v.toString());
    }

    @Test
    void rejectsADispatchThatLosesTokens() throws Exception {
        List<String> v = mutated(EmbeddedScenarios.get("five-node"), r -> {
            ObjectNode p = find(r.get("processing"), "seattle", "chat");
            p.put("tokensPerSecond", p.get("tokensPerSecond").asDouble() - 1000);
        });
        assertTrue(v.stream().anyMatch(m -> m.contains("balance seattle chat")), v.toString());
    }

    @Test
    void rejectsAPathOverALinkTheClassMayNotUse() throws Exception {
        Scenario tight = EmbeddedScenarios.get("five-node",
                ScenarioOptions.defaults().withMaxLatency("chat", 15).withMaxLatency("code", 20));
        List<String> v = mutated(tight, r -> {
            ObjectNode p = find(r.get("prices"), "silicon-valley", "chat");
            ArrayNode path = p.putArray("path");
            path.add("silicon-valley").add("dallas");
            p.put("servingNode", "dallas");
        });
        assertTrue(v.stream().anyMatch(m -> m.contains("is not a link class chat may use")), v.toString());
    }

    @Test
    void rejectsAFarkasCertificateThatProvesNothing() throws Exception {
        Scenario overloaded = EmbeddedScenarios.get("twenty-node", ScenarioOptions.defaults().withScale(40));
        List<String> v = mutated(overloaded,
                r -> ((ObjectNode) r.get("diagnosis").get("certificate")).putArray("capacityWeights"));
        assertTrue(v.stream().anyMatch(m -> m.startsWith("Farkas: u > v")), v.toString());
        List<String> understated = mutated(overloaded, r -> {
            for (JsonNode u : r.get("unserved")) {
                ((ObjectNode) u).put("tokensPerSecond", 0);
            }
        });
        assertTrue(understated.stream().anyMatch(m -> m.startsWith("balance")), understated.toString());
    }

    // ---- END_TO_END: the path certificate ----

    private static io.tokenflow.market.model.Scenario line(double limitMs) {
        io.tokenflow.market.model.WorkloadClass chat = io.tokenflow.market.model.WorkloadClass.of("chat", 0.5, 1)
                .withMaxLatencyMs(limitMs);
        java.util.List<io.tokenflow.market.model.Link> links = new java.util.ArrayList<>();
        for (String[] pair : new String[][] {{"a", "b"}, {"b", "a"}, {"b", "c"}, {"c", "b"}}) {
            links.add(new io.tokenflow.market.model.Link(pair[0], pair[1], 100, 60, 0.01, 0));
        }
        java.util.function.BiFunction<String, Double, io.tokenflow.market.model.ComputeNode> node = (id, cap) ->
                new io.tokenflow.market.model.ComputeNode(id, id, java.util.OptionalDouble.empty(),
                        java.util.OptionalDouble.empty(), id.equals("c") ? 0.05 : 0.15, 0, java.util.Map.of("chat", cap));
        return new io.tokenflow.market.model.Scenario("line", null, List.of(chat),
                List.of(node.apply("a", 0.0), node.apply("b", 1e7), node.apply("c", 1e7)), links,
                List.of(new io.tokenflow.market.model.Demand("a", "chat", 1e6)));
    }

    @Test
    void acceptsTheEngineAnswerUnderEndToEnd() throws Exception {
        assertEquals(List.of(), CertificateChecker.check(scenarioTree(line(100)), resultTree(line(100))));
    }

    @Test
    void rejectsAPathFlowOverTheEndToEndLimit() throws Exception {
        List<String> v = mutated(line(100), r -> {
            ObjectNode flow = (ObjectNode) r.get("pathFlows").get(0);
            flow.putArray("path").add("a").add("b").add("c");
            flow.put("latencyMs", 120);
        });
        assertTrue(v.stream().anyMatch(m -> m.contains("takes 120.000 ms, over the class's END_TO_END limit")), v.toString());
        assertTrue(v.stream().anyMatch(m -> m.startsWith("path flows into c chat add up")), v.toString());
    }

    @Test
    void rejectsAPriceAboveAPathWithinTheLimit() throws Exception {
        List<String> v = mutated(line(100), r -> find(r.get("prices"), "a", "chat").put("price", 0.165));
        assertTrue(v.stream().anyMatch(m -> m.startsWith("a chat: a path within 100.000 ms delivers at 0.155000, below the price 0.165000")),
                v.toString());
    }

    @Test
    void rejectsAPricePathOverTheEndToEndLimit() throws Exception {
        List<String> v = mutated(line(100), r -> {
            ObjectNode p = find(r.get("prices"), "a", "chat");
            p.putArray("path").add("a").add("b").add("c");
            p.put("servingNode", "c");
        });
        assertTrue(v.stream().anyMatch(m -> m.contains("takes 120.000 ms, over the END_TO_END limit of 100.000 ms")), v.toString());
    }

    @Test
    void rejectsAPathFarkasCertificateThatProvesNothing() throws Exception {
        io.tokenflow.market.model.Scenario outOfReach = line(50);
        assertEquals(List.of(), CertificateChecker.check(scenarioTree(outOfReach), resultTree(outOfReach)));
        List<String> v = mutated(outOfReach, r -> {
            ObjectNode cert = (ObjectNode) r.get("diagnosis").get("certificate");
            cert.putArray("capacityWeights");
            ArrayNode balance = cert.putArray("balanceWeights");
            balance.addObject().put("node", "a").put("class", "chat").put("weight", 1.0);
            balance.addObject().put("node", "b").put("class", "chat").put("weight", 1.0);
        });
        assertTrue(v.stream().anyMatch(m -> m.startsWith("Farkas: a chat has weight 1")), v.toString());
    }
}
