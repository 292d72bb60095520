package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as `tokenflow demo` runs it: its own oracle on loopback, the real SDK over gRPC, a short window. */
class DemoCommandTest {

    @Test
    void fiveNodeShortWindowReportsTheGoalFigures(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path report = dir.resolve("demo.json");
        StringWriter bytes = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = TokenflowCommand.run(new String[] {"demo", "--scenario", "five-node", "--window", "40", "--seed", "3",
                "--report", report.toString()}, new PrintWriter(bytes, true), new PrintWriter(err, true));
        String out = bytes + err.toString();
        assertEquals(0, rc, out);
        assertTrue(out.contains("LP optimum"), out);
        assertTrue(Files.size(dir.resolve("demo.png")) > 10_000, "chart written beside the report");

        JsonNode root = new ObjectMapper().readTree(report.toFile());
        JsonNode lp = root.get("lpOptimum").get("atTraceDemand");
        assertTrue(lp.get("objectivePerHour").asDouble() > 0);
        assertEquals(0, lp.get("shedTokens").asDouble(), "five-node is not short");
        // the router reports the demand it has seen before steps 10, 20 (then the drop) and 30: one version each
        assertEquals(3, root.get("demandReports").asInt());
        assertTrue(out.contains("(3 UpdateDemand calls)"), out);
        assertEquals(3, root.get("capacityDrop").get("marketVersionBefore").asLong());
        assertEquals(4, root.get("capacityDrop").get("marketVersionAfter").asLong());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : root.get("strategies")) {
            for (String field : new String[] {"name", "servedCostPerHour", "unservedTokens", "costPerHourWithPenalty",
                    "costToLpOptimum", "servedWithinLatencyShare", "overloadedSites", "rejectedTokens",
                    "queuedTokensAtEnd", "shedTokens"}) {
                assertTrue(s.has(field), field + " missing in " + s);
            }
            assertEquals(s.get("requestedTokens").asDouble(), s.get("servedTokens").asDouble()
                    + s.get("unservedTokens").asDouble(), 1e-6 * s.get("requestedTokens").asDouble(),
                    "every token served or unserved: " + s.get("name"));
            byName.put(s.get("name").asText(), s);
        }
        assertEquals(java.util.Set.of("nearest", "static-cheapest", "oracle"), byName.keySet());
        JsonNode oracle = byName.get("oracle");
        long byRule = 0;
        for (JsonNode n : root.get("oracleRequestsByRule")) {
            byRule += n.asLong();
        }
        assertTrue(byRule > 0 && root.get("oracleRequestsByRule").get("SPILLED").asLong() > 0,
                "the oracle's requests by rule: " + root.get("oracleRequestsByRule"));
        assertEquals(oracle.get("costPerHourWithPenalty").asDouble() / lp.get("objectivePerHour").asDouble(),
                oracle.get("costToLpOptimum").asDouble(), 1e-12, "x LP sets cost with penalty against the objective");
        double aside = oracle.get("costToLpOptimumBacklogAside").asDouble();
        assertTrue(aside >= 0.98 && aside <= 1.02, "oracle / LP, the end-of-window backlog aside = " + aside);
        assertTrue(oracle.get("overloadedSites").isEmpty(), "oracle overloaded " + oracle.get("overloadedSites"));
        assertEquals(0, oracle.get("rejectedTokens").asDouble());
        assertEquals(1.0, oracle.get("servedWithinLatencyShare").asDouble(), 1e-12);
        assertFalse(byName.get("nearest").get("overloadedSites").isEmpty());
        assertFalse(byName.get("static-cheapest").get("overloadedSites").isEmpty());
    }

    @Test
    void aShortMarketWithoutADropShedsAndSaysSo(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path report = dir.resolve("short.json");
        StringWriter out = new StringWriter();
        int rc = TokenflowCommand.run(new String[] {"demo", "--scenario", "five-node", "--scale", "60", "--drop", "none",
                "--window", "10", "--report-demand-every", "0", "--report", report.toString()}, new PrintWriter(out, true),
                new PrintWriter(out, true));
        assertEquals(0, rc, out.toString());
        assertTrue(out.toString().contains("no capacity drop"), out.toString());
        JsonNode root = new ObjectMapper().readTree(report.toFile());
        assertFalse(root.has("capacityDrop"));
        assertEquals(0, root.get("demandReports").asInt());
        assertTrue(root.get("lpOptimum").get("atTraceDemand").get("shedTokens").asDouble() > 0, "60x is short");
        for (JsonNode s : root.get("strategies")) {
            if (s.get("name").asText().equals("oracle")) {
                assertTrue(s.get("shedTokens").asDouble() > 0, "the oracle sheds what the market does not serve");
                assertTrue(s.get("overloadedSites").isEmpty(), s.toString());
            }
        }
        assertEquals(TokenflowCommand.EXIT_INVALID_INPUT, TokenflowCommand.run(new String[] {"demo", "--drop", "dallas:image"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true)));
        StringWriter bad = new StringWriter();
        assertEquals(TokenflowCommand.EXIT_INVALID_INPUT, TokenflowCommand.run(new String[] {"demo",
                "--report-demand-every", "-1"}, new PrintWriter(bad, true), new PrintWriter(bad, true)));
        assertTrue(bad.toString().contains("the demand report interval must be finite and >= 0 s, got -1.0"), bad.toString());
    }
}
