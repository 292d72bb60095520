package io.tokenflow.market.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScenarioJsonTest {
    /** The spec's two-node example with one placeholder to break: "@@". */
    private static final String TEMPLATE = """
            {
              "name": "two-node-example",
              "bandwidthModel": "TOKEN_EQUIVALENT",
              "classes": [
                { "id": "chat", "gbPerMTokens": 1.0, "kwhPerMTokens": 1.0, "maxLatencyMs": 100 }
              ],
              "nodes": [
                { "id": "a", "name": "Cheap site", "lat": 47.2, "lon": -119.8,
                  "electricityPricePerKwh": 0.05, "capacityTokensPerSecond": { "chat": 3000000 } },
                { "id": "b", "name": "Dear site", "lat": 37.4, "lon": -121.9,
                  "electricityPricePerKwh": 0.10, "capacityTokensPerSecond": { "chat": 5000000 } }
              ],
              "links": [
                { "from": "a", "to": "b", "capacityGbps": 8, "latencyMs": 20, "tariffPerGb": 0.01 },
                { "from": "b", "to": "a", "capacityGbps": 8, "latencyMs": 20, "tariffPerGb": 0.01 }
              ],
              "demand": [
                { "origin": "a", "class": "chat", "tokensPerSecond": 1000000 },
                { "origin": "b", "class": "chat", "tokensPerSecond": 3000000 }
              ]
            }
            """;

    private static String message(String from, String to) {
        String broken = TEMPLATE.replace(from, to);
        if (broken.equals(TEMPLATE)) {
            throw new AssertionError("the test's replacement did not apply: " + from);
        }
        return assertThrows(InvalidScenarioException.class, () -> ScenarioJson.read(broken)).getMessage();
    }

    /** A file of this package's test resources (the two-node example of docs/formats.md and its answer). */
    private static String resource(String name) throws IOException {
        try (InputStream in = ScenarioJsonTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError(name + " is missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheSpecExampleExactlyAsWritten() throws Exception {
        Scenario example = ScenarioJson.read(resource("two-node.json"));
        Scenario inline = ScenarioJson.read(TEMPLATE);
        assertEquals(example, inline);
        assertEquals(example, EmbeddedScenarios.get("two-node"), "the embedded two-node is the example as written");
        assertEquals(2, inline.nodes().size());
        assertEquals(3_000_000, inline.node("a").capacityOf("chat"));
        assertEquals(100, inline.workloadClass("chat").maxLatencyMs().getAsDouble());
        assertEquals(BandwidthModel.TOKEN_EQUIVALENT, inline.bandwidthModel());
        assertEquals(true, inline.workloadClass("chat").mustServe());
    }

    /**
     * Clears the two-node example and checks every number of its hand-solved answer
     * (two-node.expected.json: prices and their terms, processing, flows, link rents and utilisation,
     * unserved demand, objective, settlement) in the clearing result JSON, to 1e-9 relative.
     */
    @Test
    void clearsTheSpecExampleToItsHandSolvedAnswer() throws Exception {
        Scenario example = ScenarioJson.read(resource("two-node.json"));
        ClearingResult result = MarketClearing.clearOnce(example, SolverKind.GLOP);
        JsonNode expected = new ObjectMapper().readTree(resource("two-node.expected.json"));
        JsonNode actual = ClearingResultJson.tree(result);
        List<String> checked = new ArrayList<>();
        assertMatches(expected, actual, "", checked);
        assertEquals(1116, result.objectivePerHour().getAsDouble(), 1116 * 1e-9);
        assertEquals(0.04, result.links().stream().filter(l -> l.from().equals("b")).findFirst().orElseThrow()
                .congestionRent(), 1e-9);
        assertEquals(true, checked.size() >= 30, "numbers checked: " + checked);
    }

    /** Every field of {@code expected} is in {@code actual} with the same value; lists match entry by entry. */
    private static void assertMatches(JsonNode expected, JsonNode actual, String at, List<String> checked) {
        if (expected.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (at.isEmpty() && field.getKey().equals("about")) {
                    continue;
                }
                String path = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
                JsonNode value = actual.get(field.getKey());
                if (value == null) {
                    throw new AssertionError(path + " is missing from the clearing result");
                }
                assertMatches(field.getValue(), value, path, checked);
            }
        } else if (expected.isArray()) {
            assertEquals(true, actual.isArray(), at + " is a list");
            // every node x class, every arc and only the positive flows: the same entries, none more
            assertEquals(expected.size(), actual.size(), at + " entries: " + actual);
            for (JsonNode entry : expected) {
                assertMatches(entry, find(actual, entry, at), at + key(entry), checked);
            }
        } else if (expected.isNumber()) {
            double e = expected.asDouble();
            assertEquals(true, actual.isNumber(), at + " is a number, got " + actual);
            assertEquals(e, actual.asDouble(), 1e-9 * Math.max(1, Math.abs(e)), at);
            checked.add(at);
        } else {
            assertEquals(expected, actual, at);
        }
    }

    private static JsonNode find(JsonNode list, JsonNode entry, String at) {
        for (JsonNode candidate : list) {
            boolean same = true;
            for (String id : List.of("node", "class", "from", "to")) {
                if (entry.has(id) && !entry.get(id).equals(candidate.get(id))) {
                    same = false;
                }
            }
            if (same) {
                return candidate;
            }
        }
        throw new AssertionError(at + key(entry) + " is missing from " + list);
    }

    private static String key(JsonNode entry) {
        StringBuilder key = new StringBuilder("[");
        for (String id : List.of("node", "from", "to", "class")) {
            if (entry.has(id)) {
                key.append(key.length() > 1 ? " " : "").append(entry.get(id).asText());
            }
        }
        return key.append(']').toString();
    }

    @Test
    void writesBackWhatItReads() {
        for (String name : EmbeddedScenarios.names()) {
            Scenario scenario = EmbeddedScenarios.get(name);
            String json = ScenarioJson.write(scenario);
            assertEquals(scenario, ScenarioJson.read(json), name);
            assertEquals(json, ScenarioJson.write(ScenarioJson.read(json)), name + " prints the same twice");
        }
    }

    @Test
    void latencyScopeIsEndToEndUnlessTheFileSaysPerLink() {
        assertEquals(LatencyScope.END_TO_END, ScenarioJson.read(TEMPLATE).latencyScope());
        Scenario perLink = ScenarioJson.read(TEMPLATE.replace("\"bandwidthModel\": \"TOKEN_EQUIVALENT\"",
                "\"bandwidthModel\": \"TOKEN_EQUIVALENT\", \"latencyScope\": \"PER_LINK\""));
        assertEquals(LatencyScope.PER_LINK, perLink.latencyScope());
        assertEquals(perLink, ScenarioJson.read(ScenarioJson.write(perLink)));
        for (String paper : List.of("five-node", "twenty-node")) {
            assertEquals(LatencyScope.PER_LINK, EmbeddedScenarios.get(paper).latencyScope(), paper);
        }
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            "maxLatencyMs": 100 }                 | "maxLatencyMs": 100, "colour": 1 } | classes[0]: unknown field 'colour'
            "name": "two-node-example",           | "nmae": "x",                       | unknown field 'nmae'
            "capacityTokensPerSecond": { "chat": 3000000 } | "capacityTokensPerSecond": { "chat": NaN } | nodes[0]: node 'a' capacityTokensPerSecond for class 'chat' must be finite and >= 0, got NaN
            "capacityTokensPerSecond": { "chat": 5000000 } | "capacityTokensPerSecond": { "image": 5 } | node 'b' capacityTokensPerSecond names unknown class 'image'
            "electricityPricePerKwh": 0.05        | "electricityPricePerKwh": -0.05    | nodes[0]: node 'a' electricityPricePerKwh must be finite and >= 0, got -0.05
            "electricityPricePerKwh": 0.10        | "electricityPricePerKwh": Infinity | nodes[1]: node 'b' electricityPricePerKwh must be finite and >= 0, got Infinity
            "electricityPricePerKwh": 0.10        | "electricityPricePerKwh": 1e400    | nodes[1]: node 'b' electricityPricePerKwh must be finite and >= 0, got Infinity
            "electricityPricePerKwh": 0.10        | "electricityPricePerKwh": "cheap"  | nodes[1].electricityPricePerKwh must be a number, got "cheap"
            "id": "b", "name": "Dear site"        | "id": "a", "name": "Dear site"     | duplicate node id 'a'
            "id": "b", "name": "Dear site"        | "id": "B", "name": "Dear site"     | nodes[1]: node id must match [a-z0-9][a-z0-9_-]*, got 'B'
            { "from": "a", "to": "b", "capacityGbps": 8 | { "from": "a", "to": "c", "capacityGbps": 8 | link 'a->c' to names unknown node 'c'
            { "from": "a", "to": "b", "capacityGbps": 8 | { "from": "a", "to": "a", "capacityGbps": 8 | links[0]: link 'a'->'a' must join two different nodes, got a link to itself
            { "from": "b", "to": "a", "capacityGbps": 8 | { "from": "a", "to": "b", "capacityGbps": 8 | duplicate link 'a->b': list each directed arc once (a two-way link is one entry per direction)
            "capacityGbps": 8, "latencyMs": 20, "tariffPerGb": 0.01 }, | "capacityGbps": -8, "latencyMs": 20, "tariffPerGb": 0.01 }, | links[0]: link 'a'->'b' capacityGbps must be finite and >= 0, got -8
            { "origin": "b", "class": "chat"      | { "origin": "a", "class": "chat"   | duplicate demand pair origin 'a' class 'chat': list each origin and class once
            { "origin": "b", "class": "chat"      | { "origin": "z", "class": "chat"   | demand origin names unknown node 'z'
            { "origin": "b", "class": "chat"      | { "origin": "b", "class": "video"  | demand origin 'b' class names unknown class 'video'
            "tokensPerSecond": 3000000 }          | "tokensPerSecond": -1 }            | demand[1]: demand origin 'b' class 'chat' tokensPerSecond must be finite and >= 0, got -1
            "bandwidthModel": "TOKEN_EQUIVALENT"  | "bandwidthModel": "FAST"           | bandwidthModel must be TOKEN_EQUIVALENT or TRANSFER_AWARE, got "FAST"
            "gbPerMTokens": 1.0,                  | "gbPerMTokens": null,              | classes[0].gbPerMTokens is required
            "maxLatencyMs": 100 }                 | "maxLatencyMs": -Infinity }        | classes[0]: class 'chat' maxLatencyMs must be finite and >= 0, got -Infinity
            "maxLatencyMs": 100 }                 | "maxLatencyMs": -5 }               | classes[0]: class 'chat' maxLatencyMs must be finite and >= 0, got -5
            "maxLatencyMs": 100 }                 | "maxLatencyMs": NaN }              | classes[0]: class 'chat' maxLatencyMs must be finite and >= 0, got NaN
            "bandwidthModel": "TOKEN_EQUIVALENT"  | "bandwidthModel": "TOKEN_EQUIVALENT", "latencyScope": "PER_HOP" | latencyScope must be END_TO_END or PER_LINK, got "PER_HOP"
            "bandwidthModel": "TOKEN_EQUIVALENT"  | "bandwidthModel": "TOKEN_EQUIVALENT", "latencyScope": 1 | latencyScope must be END_TO_END or PER_LINK, got 1
            "nodes": [                            | "nodes": {                         | malformed JSON at line 8 column 5: Unexpected character
            """)
    void rejectsBadInputNamingFieldIdAndValue(String from, String to, String expected) {
        String actual = message(from, to);
        if (!actual.startsWith(expected)) {
            assertEquals(expected, actual);
        }
    }

    @Test
    void rejectsAnEmptyDocumentAndAMissingFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertEquals("the scenario is empty: expected a JSON object",
                assertThrows(InvalidScenarioException.class, () -> ScenarioJson.read("")).getMessage());
        assertEquals("scenario must be a JSON object, got [1]",
                assertThrows(InvalidScenarioException.class, () -> ScenarioJson.read("[1]")).getMessage());
        Path missing = dir.resolve("nope.json");
        assertEquals("scenario file '" + missing + "' does not exist",
                assertThrows(InvalidScenarioException.class, () -> ScenarioJson.read(missing)).getMessage());
        Path noClasses = dir.resolve("empty.json");
        Files.writeString(noClasses, "{\"name\": \"x\", \"classes\": [], \"nodes\": []}");
        assertEquals("classes must list at least one workload class",
                assertThrows(InvalidScenarioException.class, () -> ScenarioJson.read(noClasses)).getMessage());
    }

    @Test
    void rejectsDuplicateJsonKeys() {
        String message = message("\"name\": \"two-node-example\",", "\"name\": \"a\", \"name\": \"b\",");
        assertEquals(true, message.contains("Duplicate field 'name'"), message);
    }
}
