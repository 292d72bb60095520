package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.MenuJson;
import io.tokenflow.market.menu.MenuCheck;
import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenflow menu}: a file's own cost, π(origin, class) of a cleared scenario and of a running
 * oracle (taken exactly), every origin of a class, and bad input refused with exit 2 naming the field.
 */
class MenuCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClearingResult FIVE_NODE = MarketClearing.clearOnce(EmbeddedScenarios.get("five-node"),
            SolverKind.GLOP);
    private static LoopbackOracle oracle;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startOracle() throws Exception {
        oracle = LoopbackOracle.start("five-node");
    }

    @AfterAll
    static void stopOracle() throws Exception {
        oracle.close();
    }

    private int run(String... args) {
        return TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path resource(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("menu/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private JsonNode json() throws Exception {
        return JSON.readTree(out.toString());
    }

    /** The menu the command printed, checked against the problem at the cost it names. */
    private static void assertOptimalAndSound(MenuProblem problem, JsonNode printed) {
        TierMenu expected = MenuSolver.solve(problem.withCost(printed.get("costPerMTokens").asDouble()));
        assertEquals(List.of(), MenuCheck.violations(problem.withCost(expected.costPerMTokens()), expected));
        assertEquals(expected.profitPerRequest(), printed.get("profitPerRequest").asDouble(), 0);
        assertEquals(expected.tiers().size(), printed.get("tiers").size());
        for (int g = 0; g < expected.tiers().size(); g++) {
            assertEquals(expected.tiers().get(g).capTokens(), printed.get("tiers").get(g).get("capTokens").asLong());
            assertEquals(expected.tiers().get(g).pricePerRequest(),
                    printed.get("tiers").get(g).get("pricePerRequest").asDouble(), 0);
            assertTrue(printed.get("tiers").get(g).get("pricePerRequest").asDouble()
                    >= printed.get("tiers").get(g).get("costFloorPerRequest").asDouble());
        }
        assertTrue(printed.get("exact").asBoolean());
    }

    @Test
    void pricesAFileAtItsOwnCostAsATableOrJson() throws Exception {
        Path file = resource("chat-ashburn.json");
        assertEquals(0, run("menu", file.toString()), err.toString());
        assertTrue(out.toString().startsWith("menu 'chat-ashburn': cost 0.078 $/M tokens (from the file)"), out.toString());
        assertTrue(out.toString().contains("power"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("menu", file.toString(), "--format", "json"), err.toString());
        JsonNode m = json();
        assertEquals(0.078, m.get("costPerMTokens").asDouble(), 0);
        assertOptimalAndSound(MenuJson.read(file).problem(), m);
        assertEquals(3, m.get("choices").size());
    }

    @Test
    void readsStandardInput() throws Exception {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(resource("chat-ashburn.json"))));
            assertEquals(0, run("menu", "-", "--format", "json"), err.toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals("chat-ashburn", json().get("name").asText());
    }

    @Test
    void takesTheCostFromAClearedScenarioExactly() throws Exception {
        Path file = resource("chat-population.json");
        assertEquals(0, run("menu", file.toString(), "--scenario", "five-node", "--origin", "seattle",
                "--format", "json"), err.toString());
        JsonNode m = json();
        assertEquals(FIVE_NODE.price("seattle", "chat").price(), m.get("costPerMTokens").asDouble(), 0);
        assertEquals("seattle", m.get("origin").asText());
        assertEquals("chat", m.get("class").asText());
        assertOptimalAndSound(MenuJson.read(file).problem(0), m);
        out.getBuffer().setLength(0);
        assertEquals(0, run("menu", file.toString(), "--scenario", "five-node", "--origin", "dallas",
                "--class", "code"), err.toString());
        assertTrue(out.toString().contains("π(dallas, code) of scenario 'five-node"), out.toString());
    }

    @Test
    void pricesEveryOriginOfAClassCheapestFirstAndDrawsThem() throws Exception {
        Path file = resource("chat-population.json");
        assertEquals(0, run("menu", file.toString(), "--scenario", "five-node", "--all-origins", "--format", "json",
                "--figure", dir.resolve("fig").toString()), err.toString());
        JsonNode all = json();
        assertEquals("chat", all.get("class").asText());
        List<String> origins = new ArrayList<>();
        double previous = -1;
        for (JsonNode m : all.get("menus")) {
            origins.add(m.get("origin").asText());
            double pi = FIVE_NODE.price(m.get("origin").asText(), "chat").price();
            assertEquals(pi, m.get("costPerMTokens").asDouble(), 0, "π exactly");
            assertTrue(pi >= previous, "cheapest first");
            previous = pi;
            assertOptimalAndSound(MenuJson.read(file).problem(0), m);
        }
        assertEquals(5, origins.size());
        assertEquals("seattle", origins.get(0), "the cheapest chat origin of five-node");
        assertTrue(Files.size(dir.resolve("fig").resolve("menu-chat.png")) > 10_000);
        assertTrue(err.toString().contains("menu-chat.png"));
        // the smallest tier's cap falls as the local price rises (here: the cheapest and the dearest origin)
        JsonNode first = all.get("menus").get(0).get("tiers").get(0);
        JsonNode last = all.get("menus").get(4).get("tiers").get(0);
        assertTrue(first.get("capTokens").asLong() > last.get("capTokens").asLong(), all.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("menu", file.toString(), "--scenario", "five-node", "--all-origins"), err.toString());
        assertTrue(out.toString().contains("cost π(origin, chat)") && out.toString().contains("silicon-valley"));
    }

    @Test
    void takesTheCostFromARunningOracleThroughTheSdk() throws Exception {
        Path file = resource("chat-population.json");
        assertEquals(0, run("menu", file.toString(), "--target", oracle.target, "--origin", "ashburn",
                "--format", "json"), err.toString());
        JsonNode m = json();
        assertEquals(oracle.oracle.quote("ashburn", "chat").price().price(), m.get("costPerMTokens").asDouble(), 0);
        assertOptimalAndSound(MenuJson.read(file).problem(0), m);
        out.getBuffer().setLength(0);
        assertEquals(0, run("menu", file.toString(), "--target", oracle.target, "--all-origins", "--format", "json"),
                err.toString());
        JsonNode all = json();
        assertEquals(5, all.get("menus").size());
        for (JsonNode one : all.get("menus")) {
            assertEquals(oracle.oracle.quote(one.get("origin").asText(), "chat").price().price(),
                    one.get("costPerMTokens").asDouble(), 0);
        }
        out.getBuffer().setLength(0);
        assertEquals(0, run("menu", file.toString(), "--target", oracle.target, "--origin", "ashburn"), err.toString());
        assertTrue(out.toString().contains("of oracle " + oracle.target + ", market version 1"), out.toString());
    }

    @Test
    void refusesBadInputWithExit2NamingTheField() throws Exception {
        String good = new String(getClass().getClassLoader().getResourceAsStream("menu/chat-ashburn.json")
                .readAllBytes(), StandardCharsets.UTF_8);
        String[][] cases = {
            {"\"share\": 0.1", "\"share\": 0.2", "types: the shares add up to 1.1, not 1 (within 1e-9)"},
            {"{ \"kind\": \"saturating\", \"scaleTokens\": 2000 }",
                "{ \"kind\": \"points\", \"points\": [[1000, 0.6], [2000, 0.5]] }", "value.points[1]: the curve decreases"},
            {"{ \"kind\": \"saturating\", \"scaleTokens\": 2000 }",
                "{ \"kind\": \"points\", \"points\": [[1000, 0.1], [2000, 0.5]] }", "value.points[1]: the curve is not concave"},
            {"\"min\": 0, \"max\": 32000", "\"min\": 40000, \"max\": 32000", "caps: the grid is empty"},
            {"\"max\": 32000, \"step\": 250", "\"max\": 2000000, \"step\": 1", "caps: the grid has 2000001 points"},
            {"\"valuePerRequest\": 0.002", "\"valuePerRequest\": -0.002", "types[0].valuePerRequest must be finite and >= 0"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Path file = dir.resolve("bad.json");
            Files.writeString(file, good.replace(c[0], c[1]));
            err.getBuffer().setLength(0);
            assertEquals(2, run("menu", file.toString()), c[2]);
            assertTrue(err.toString().startsWith("tokenflow: invalid input: " + c[2]), err.toString());
        }
        Path cost = resource("chat-ashburn.json");
        Path located = resource("chat-population.json");
        String[][] options = {
            {cost.toString(), "--origin", "ashburn"},
            {located.toString()},
            {located.toString(), "--scenario", "five-node"},
            {located.toString(), "--scenario", "five-node", "--origin", "atlantis"},
            {located.toString(), "--scenario", "five-node", "--origin", "ashburn", "--class", "video"},
            {located.toString(), "--scenario", "five-node", "--target", oracle.target, "--origin", "ashburn"},
            {located.toString(), "--scenario", "five-node", "--all-origins", "--origin", "ashburn"},
            {located.toString(), "--scenario", "five-node", "--origin", "ashburn", "--figure", dir.toString()},
            {cost.toString(), "--scenario", "five-node", "--origin", "ashburn", "--class", "chat"},
            {located.toString(), "--target", oracle.target, "--origin", "atlantis"},
            {dir.resolve("missing.json").toString()},
        };
        String[] expected = {"--origin takes the cost from a cleared market", "class: the file takes its cost from a "
                + "cleared market", "origin: give --origin", "unknown origin 'atlantis'", "unknown class 'video'",
            "--scenario and --target are two markets", "--all-origins prices every origin", "--figure draws the menus",
            "costPerMTokens: the file gives the cost", "unknown node 'atlantis'", "menu file '"};
        for (int i = 0; i < options.length; i++) {
            List<String> args = new ArrayList<>(List.of("menu"));
            args.addAll(List.of(options[i]));
            err.getBuffer().setLength(0);
            assertEquals(2, run(args.toArray(String[]::new)), String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains(expected[i]), String.join(" ", args) + ": " + err);
        }
    }
}
