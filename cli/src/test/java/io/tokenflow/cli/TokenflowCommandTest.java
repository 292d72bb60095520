package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenflowCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertInvalid(Run run, String message) {
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void clearPrintsTheDefaultScenarioPrices() {
        Run run = run("clear");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("five-node 35x (fitted demand weights)"), run.out());
        assertTrue(run.out().contains("cost $123,635.05/hr"), run.out());
        assertTrue(run.out().matches("(?s).*seattle\\s+image\\s+41\\.4740\\s+26\\.0000\\s+15\\.4740.*"), run.out());
        assertTrue(run.out().contains("silicon-valley -> seattle rent 0.0260 $/M tokens"), run.out());
    }

    @Test
    void clearJsonIsTheResultFormat() throws Exception {
        Run run = run("clear", "--scenario", "two-node", "--format", "json", "--solver", "clp");
        assertEquals(0, run.exit(), run.err());
        JsonNode result = JSON.readTree(run.out());
        assertEquals("OPTIMAL", result.get("status").asText());
        assertEquals(1116.0, result.get("objectivePerHour").asDouble(), 1e-9);
        for (String field : List.of("prices", "processing", "flows", "links", "unserved", "settlement")) {
            assertTrue(result.has(field), field);
        }
    }

    @Test
    void anInfeasibleClearingIsAResultWithADiagnosis() throws Exception {
        Path file = Files.createTempFile("twenty-40x", ".json");
        Run scenario = run("scenario", "twenty-node", "--scale", "40");
        Files.writeString(file, scenario.out());
        Run table = run("clear", "--scenario", file.toString());
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("status INFEASIBLE"), table.out());
        assertTrue(table.out().contains("class 'image' is short 240,000 of 2,640,000 tok/s"), table.out());
        JsonNode json = JSON.readTree(run("clear", "--scenario", file.toString(), "--format", "json").out());
        assertEquals("INFEASIBLE", json.get("status").asText());
        assertEquals(240_000, json.get("diagnosis").get("shortfalls").get(0).get("shortfallTokensPerSecond").asDouble());
    }

    @Test
    void badScenarioFilesExitWith2AndAPreciseMessage(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, run("scenario", "two-node").out().replace("\"electricityPricePerKwh\" : 0.05",
                "\"electricityPricePerKwh\" : NaN"));
        assertInvalid(run("clear", "--scenario", bad.toString()),
                "tokenflow: invalid input: nodes[0]: node 'a' electricityPricePerKwh must be finite and >= 0, got NaN");
        assertInvalid(run("clear", "--scenario", dir.resolve("missing.json").toString()), "does not exist");
        Path scope = dir.resolve("scope.json");
        Files.writeString(scope, run("scenario", "two-node").out().replace("\"latencyScope\" : \"END_TO_END\"",
                "\"latencyScope\" : \"PER_PATH\""));
        assertInvalid(run("clear", "--scenario", scope.toString()),
                "tokenflow: invalid input: latencyScope must be END_TO_END or PER_LINK, got \"PER_PATH\"");
        for (String limit : List.of("-20", "NaN")) {
            Path file = dir.resolve("limit" + limit + ".json");
            Files.writeString(file, run("scenario", "two-node").out().replace("\"maxLatencyMs\" : 100",
                    "\"maxLatencyMs\" : " + limit));
            assertInvalid(run("clear", "--scenario", file.toString()),
                    "tokenflow: invalid input: classes[0]: class 'chat' maxLatencyMs must be finite and >= 0, got "
                            + limit);
        }
        assertInvalid(run("clear", "--scenario", "six-node"), "'six-node' is neither an embedded scenario");
    }

    @Test
    void theLatencyCaseClearsUnderEitherScope(@TempDir Path dir) throws Exception {
        Path perLinkFile = dir.resolve("per-link.json");
        Files.writeString(perLinkFile, run("scenario", "five-node", "--max-latency", "chat=15", "--max-latency",
                "code=20").out());
        JsonNode perLink = JSON.readTree(run("clear", "--scenario", perLinkFile.toString(), "--format", "json").out());
        assertEquals("PER_LINK", perLink.get("latencyScope").asText());
        Path endToEndFile = dir.resolve("end-to-end.json");
        Files.writeString(endToEndFile, run("scenario", "five-node", "--max-latency", "chat=15", "--max-latency",
                "code=20", "--latency-scope", "end-to-end").out());
        Run endToEnd = run("clear", "--scenario", endToEndFile.toString(), "--format", "json");
        assertEquals(0, endToEnd.exit(), endToEnd.err());
        JsonNode result = JSON.readTree(endToEnd.out());
        assertEquals("END_TO_END", result.get("latencyScope").asText());
        assertEquals(perLink.get("objectivePerHour").asDouble(), result.get("objectivePerHour").asDouble(), 1e-6);
        for (JsonNode path : result.get("pathFlows")) {
            double limit = switch (path.get("class").asText()) {
                case "chat" -> 15;
                case "code" -> 20;
                default -> Double.POSITIVE_INFINITY;
            };
            assertTrue(path.get("latencyMs").asDouble() <= limit, path.toString());
        }
        assertInvalid(run("scenario", "five-node", "--latency-scope", "sideways"),
                "expected end-to-end or per-link, got 'sideways'");
    }

    @Test
    void badOptionsExitWith2() {
        assertEquals(2, run("clear", "--solver", "cplex").exit());
        assertEquals(2, run("clear", "--format", "xml").exit());
        assertInvalid(run("scenario", "nine-node"), "unknown embedded scenario 'nine-node'");
        assertInvalid(run("scenario", "five-node", "--max-latency", "video=10"), "unknown class 'video'");
        assertInvalid(run("scenario", "five-node", "--scale", "-1"), "scale must be finite and >= 0, got -1.0");
        assertInvalid(run("sweep", "five-node", "--scales", "45..1"), "must go up from its start");
        assertInvalid(run("sweep", "five-node", "--scales", "lots"), "--scales must look like 1..45");
    }

    @Test
    void servePriceHistoryWantsAtLeastOneVersion() {
        // checked before the market is cleared or a port is bound
        assertInvalid(run("serve", "--price-history", "0", "--port", "0", "--metrics-port", "-1"),
                "--price-history must be >= 1 version, got 0");
        assertInvalid(run("serve", "--price-history", "-5", "--port", "0", "--metrics-port", "-1"),
                "--price-history must be >= 1 version, got -5");
        assertInvalid(run("serve", "--price-history", "lots", "--port", "0", "--metrics-port", "-1"),
                "--price-history");
    }

    @Test
    void serveMaxConnectionsWantsAtLeastOne() {
        assertInvalid(run("serve", "--max-connections", "0", "--port", "0", "--metrics-port", "-1"),
                "--max-connections must be >= 1, got 0");
    }

    @Test
    void scenarioAppliesThePaperVariants() throws Exception {
        Run run = run("scenario", "five-node", "--scale", "40", "--bandwidth", "transfer-aware",
                "--max-latency", "chat=15", "--max-latency", "code=20", "--opex-adder");
        assertEquals(0, run.exit(), run.err());
        JsonNode s = JSON.readTree(run.out());
        assertEquals("TRANSFER_AWARE", s.get("bandwidthModel").asText());
        assertEquals(14, s.get("links").size());
        assertEquals(15, s.get("classes").get(0).get("maxLatencyMs").asDouble());
        assertEquals(20, s.get("classes").get(2).get("maxLatencyMs").asDouble());
        assertEquals(39_505.0 / 9_003.75 * 1e6 / (3600 * 5000), s.get("classes").get(0).get("opexPerMTokens").asDouble(),
                1e-12);
        double chatDemand = 0;
        for (JsonNode d : s.get("demand")) {
            if (d.get("class").asText().equals("chat")) {
                chatDemand += d.get("tokensPerSecond").asDouble();
            }
        }
        assertEquals(40 * 50_000 * 4.9, chatDemand, 1e-6);
    }

    @Test
    void clearReadsStandardInput() throws Exception {
        String scenario = run("scenario", "two-node", "--scale", "0.5").out();
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(scenario.getBytes(StandardCharsets.UTF_8)));
            Run run = run("clear", "--scenario", "-", "--format", "json");
            assertEquals(0, run.exit(), run.err());
            // b ships 1.0 M tok/s to a (the link's limit): 3600e-6 (0.05 x 1.5e6 + 0.10 x 0.5e6 + 0.01 x 1e6)
            assertEquals(486.0, JSON.readTree(run.out()).get("objectivePerHour").asDouble(), 1e-9);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void sweepPrintsOneCsvRowPerScale() {
        Run run = run("sweep", "five-node", "--scales", "5,10,35..40:5");
        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("scale,status,demandTokensPerSecond,costPerHour,meanPrice_chat,meanPrice_image,meanPrice_code,"
                + "meanPrice_batch,scarcePairs,congestedLinks,saturatedLinks,unservedTokensPerSecond", lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.get(3).startsWith("35,OPTIMAL,16292500,123635.05,0.074800,41.894800,"), lines.get(3));
        assertTrue(lines.get(3).endsWith(",4,1,1,0"), lines.get(3));
        assertTrue(lines.get(4).startsWith("40,OPTIMAL,18620000,147316.68,"), lines.get(4));
    }

    @Test
    void exportLpWritesTheModel(@TempDir Path dir) throws Exception {
        Path lp = dir.resolve("m.lp");
        assertEquals(0, run("clear", "--export-lp", lp.toString()).exit());
        String text = Files.readString(lp);
        assertTrue(text.startsWith("\\ TokenFlow Oracle clearing LP"), text);
        assertTrue(text.contains(" link(silicon.valley,seattle): + 1 f(silicon.valley,seattle,chat)"), text);
        assertTrue(text.contains(" 0 <= x(dallas,image) <= 0.24"), text);
    }
}
