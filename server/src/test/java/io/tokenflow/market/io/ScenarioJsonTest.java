package io.tokenflow.market.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void readsTheSpecExampleExactlyAsWritten() throws Exception {
        Scenario shared = ScenarioJson.read(Path.of(System.getProperty("tokenflow.shared.dir"),
                "spec/examples/two-node.json"));
        Scenario inline = ScenarioJson.read(TEMPLATE);
        assertEquals(shared, inline);
        assertEquals(2, inline.nodes().size());
        assertEquals(3_000_000, inline.node("a").capacityOf("chat"));
        assertEquals(100, inline.workloadClass("chat").maxLatencyMs().getAsDouble());
        assertEquals(BandwidthModel.TOKEN_EQUIVALENT, inline.bandwidthModel());
        assertEquals(true, inline.workloadClass("chat").mustServe());
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
