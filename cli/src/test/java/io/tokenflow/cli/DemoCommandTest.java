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
        double lp = root.get("lpOptimumPerHour").asDouble();
        assertTrue(lp > 0);
        assertEquals(1, root.get("capacityDrop").get("marketVersionBefore").asLong());
        assertTrue(root.get("capacityDrop").get("marketVersionAfter").asLong() >= 2);
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : root.get("strategies")) {
            for (String field : new String[] {"name", "costPerHour", "servedWithinLatencyShare", "overloadedSites",
                    "rejectedTokens"}) {
                assertTrue(s.has(field), field + " missing in " + s);
            }
            byName.put(s.get("name").asText(), s);
        }
        assertEquals(java.util.Set.of("nearest", "static-cheapest", "oracle"), byName.keySet());
        JsonNode oracle = byName.get("oracle");
        double ratio = oracle.get("costPerHour").asDouble() / lp;
        assertTrue(ratio <= 1.01, "oracle cost / LP optimum = " + ratio);
        assertTrue(oracle.get("overloadedSites").isEmpty(), "oracle overloaded " + oracle.get("overloadedSites"));
        assertEquals(0, oracle.get("rejectedTokens").asDouble());
        assertEquals(1.0, oracle.get("servedWithinLatencyShare").asDouble(), 1e-12);
        assertFalse(byName.get("nearest").get("overloadedSites").isEmpty());
        assertFalse(byName.get("static-cheapest").get("overloadedSites").isEmpty());
    }
}
