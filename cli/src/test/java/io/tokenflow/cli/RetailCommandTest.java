package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetailCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String resource(String name) {
        try {
            return Path.of(RetailCommandTest.class.getResource("/retail/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertInvalid(Run run, String message) {
        assertEquals(2, run.exit(), run.err());
        assertEquals("tokenflow: invalid input: " + message + "\n", run.err());
    }

    @Test
    void theContractsExampleAnswersItsFieldsExactly() throws Exception {
        Run run = run("retail", resource("coding-market.json"), "--scenario", "five-node");
        assertEquals(0, run.exit(), run.err());
        JsonNode a = JSON.readTree(run.out());
        for (String field : new String[] {"name", "target", "price", "flow", "revenue", "profit", "marginalCost", "exact",
                "equilibrium", "userCost", "curve"}) {
            assertTrue(a.has(field), field);
        }
        assertEquals("p1", a.get("target").asText());
        assertTrue(a.get("exact").asBoolean());
        assertEquals(0.9, a.get("marginalCost").asDouble(), 0);
        assertEquals(101, a.get("curve").size());
        double price = a.get("price").asDouble();
        assertEquals((price - 0.9) * a.get("flow").asDouble(), a.get("profit").asDouble(), 1e-6);
        assertEquals(price * a.get("flow").asDouble(), a.get("revenue").asDouble(), 1e-6);
        double best = 0;
        for (JsonNode p : a.get("curve")) {
            best = Math.max(best, p.get("profit").asDouble());
        }
        assertTrue(a.get("profit").asDouble() >= best, "the optimum beats every curve point");
    }

    @Test
    void aTargetWithASiteIsCostedAtItsSitePrice() throws Exception {
        Run run = run("retail", resource("sited-target.json"), "--scenario", "five-node");
        assertEquals(0, run.exit(), run.err());
        Scenario five = EmbeddedScenarios.get("five-node");
        ClearingResult cleared;
        try (MarketClearing m = MarketClearing.open(five, SolverKind.GLOP)) {
            cleared = m.clear();
        }
        var node = five.node("dallas");
        var cls = five.workloadClass("code");
        double site = node.electricityPricePerKwh() * cls.kwhPerMTokens() + node.opexPerMTokens() + cls.opexPerMTokens()
                + cleared.processing("dallas", "code").scarcityRent();
        assertEquals(site, JSON.readTree(run.out()).get("marginalCost").asDouble(), 1e-9);
        assertInvalid(run("retail", resource("sited-target.json")), "providers[0].node/class: provider 'dallas-code' "
                + "takes its cost from a cleared market, and none was given");
    }

    @Test
    void aGameWithoutATargetIsTheWhatIfAnswer() throws Exception {
        String game = Files.readString(Path.of(resource("coding-market.json"))).replace("\"target\": \"p1\",", "");
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(game.getBytes(StandardCharsets.UTF_8)));
            Run run = run("retail", "-");
            assertEquals(0, run.exit(), run.err());
            JsonNode a = JSON.readTree(run.out());
            assertFalse(a.has("price"));
            assertFalse(a.has("curve"));
            assertEquals(2, a.get("userCost").size());
            double total = 0;
            for (JsonNode f : a.get("equilibrium")) {
                total += f.get("tokensPerSecond").asDouble();
            }
            assertEquals(2_100_000, total, 1e-3);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void tableAndPlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curve.png");
        Run run = run("retail", resource("coding-market.json"), "--format", "table", "--plot", png.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("coding-market\ntarget p1 over [0, 20]: price "), run.out());
        assertTrue(run.out().contains("(exact, "), run.out());
        assertTrue(run.out().contains("Equilibrium flows, tokens/s"), run.out());
        assertEquals(1000, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void everyProviderLeadingConvergesOrSaysWhereItCycles() throws Exception {
        Run run = run("retail", resource("sited-target.json"), "--all-lead", "--scenario", "five-node");
        assertEquals(0, run.exit(), run.err());
        JsonNode a = JSON.readTree(run.out());
        assertTrue(a.get("converged").asBoolean(), run.out());
        assertEquals(2, a.get("providers").size());
        assertTrue(a.get("exact").asBoolean());
        // app2 is captive to p2, so p2 alternates between milking it at the top of the range and undercutting p1
        // for app1: an Edgeworth cycle, with no price equilibrium to converge to
        JsonNode cycling = JSON.readTree(run("retail", resource("coding-market.json"), "--all-lead", "--scenario",
                "five-node").out());
        assertFalse(cycling.get("converged").asBoolean());
        assertEquals(5, cycling.get("cycleLength").asInt(), cycling.toString());
    }

    @Test
    void badInputNamesTheFieldAndValue() throws Exception {
        String game = Files.readString(Path.of(resource("coding-market.json")));
        Path dir = Files.createTempDirectory("retail");
        try {
            Path bad = dir.resolve("bad.json");
            Files.writeString(bad, game.replace("\"capacity\": 1200000", "\"capacity\": -1"));
            assertInvalid(run("retail", bad.toString()), "providers[1].capacity must be finite, > 0 and <= 1e12, got -1");
            Files.writeString(bad, game.replace("\"p2\": 20", "\"p9\": 20"));
            assertInvalid(run("retail", bad.toString()), "users[1].delayMs names 'p9', which is not a provider id");
            Files.writeString(bad, game.replace("[0, 20]", "[5, 5]"));
            assertInvalid(run("retail", bad.toString()), "priceRange must have lo < hi, got [5, 5]");
            Files.writeString(bad, game.replace("\"demand\": 600000", "\"demand\": NaN"));
            assertInvalid(run("retail", bad.toString()), "users[1].demand must be finite, > 0 and <= 1e12, got NaN");
            Files.writeString(bad, game.replace("{ \"p2\": 20 }", "{ }"));
            assertInvalid(run("retail", bad.toString()), "users[1].delayMs is empty: user 'app2' has no available provider");
            Files.writeString(bad, game.replace("\"target\": \"p1\"", "\"target\": \"p7\""));
            assertInvalid(run("retail", bad.toString()), "target 'p7' is not a provider id");
            assertInvalid(run("retail", resource("coding-market.json"), "--scenario", "five-node", "--target", "x:1"),
                    "--scenario and --target both give the market: give one");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    @Test
    void againstARunningOracle() throws Exception {
        try (LoopbackOracle oracle = LoopbackOracle.start("five-node")) {
            Run remote = run("retail", resource("sited-target.json"), "--target", oracle.target);
            assertEquals(0, remote.exit(), remote.err());
            Run local = run("retail", resource("sited-target.json"), "--scenario", "five-node");
            JsonNode r = JSON.readTree(remote.out());
            JsonNode l = JSON.readTree(local.out());
            assertEquals(oracle.oracle.state().version(), r.get("marketVersion").asLong());
            for (String field : new String[] {"price", "flow", "profit", "marginalCost"}) {
                assertEquals(l.get(field).asDouble(), r.get(field).asDouble(), 1e-9 * Math.abs(l.get(field).asDouble()),
                        field);
            }
            Path bad = Files.createTempFile("retail", ".json");
            try {
                Files.writeString(bad, Files.readString(Path.of(resource("sited-target.json")))
                        .replace("\"node\": \"dallas\"", "\"node\": \"atlantis\""));
                Run refused = run("retail", bad.toString(), "--target", oracle.target);
                assertEquals(2, refused.exit(), refused.err());
                assertTrue(refused.err().contains("game.providers[0].node 'atlantis' is not a node of market"),
                        refused.err());
            } finally {
                Files.delete(bad);
            }
        }
    }

    @Test
    void calibrateRecoversAKnownMarket() throws Exception {
        Run run = run("retail", "calibrate", resource("observed-days.json"));
        assertEquals(0, run.exit(), run.err());
        JsonNode fit = JSON.readTree(run.out());
        assertEquals(1, fit.get("weights").get("price").asDouble(), 0);
        assertEquals(1, fit.get("weights").get("congestion").asDouble(), 1e-6);
        assertTrue(fit.get("r2").asDouble() >= 0.999, run.out());
        // b_a − b_b = 5 − 4, reported with the smallest at 0
        assertEquals(1, fit.get("values").get(0).get("value").asDouble(), 1e-6, run.out());
        assertEquals(0, fit.get("values").get(1).get("value").asDouble(), 1e-6, run.out());
        assertTrue(fit.get("normalisation").asText().contains("smallest identified value is 0"));
        assertInvalid(run("retail", "calibrate", resource("coding-market.json")),
                "unknown field 'name' (allowed: observations)");
    }
}
