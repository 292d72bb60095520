package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with independent solvers: {@code tokenflow clear --export-lp} writes the LP, then GLPK's
 * {@code glpsol} and COIN-OR's {@code clp} (separate programs, separate code) solve it. Their optimal
 * objective must equal ours to 1e-6 relative, infeasible cases must be infeasible for them too, and
 * where prices are unique (the paper's five-node cases) clp's balance-row duals must equal our prices.
 *
 * <p>Needs glpsol and clp on the PATH (Debian: glpk-utils, coinor-clp). Skipped without them, unless
 * TOKENFLOW_REQUIRE_EXTERNAL_SOLVERS=1 (as CI sets), where their absence fails the test.
 */
class ExternalSolverCrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @BeforeAll
    static void solversAreInstalled() {
        boolean present = onPath("glpsol") && onPath("clp");
        if (!present && "1".equals(System.getenv("TOKENFLOW_REQUIRE_EXTERNAL_SOLVERS"))) {
            fail("glpsol and clp are required (apt-get install glpk-utils coinor-clp)");
        }
        Assumptions.assumeTrue(present, "glpsol and clp not installed: cross-check skipped");
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    record Case(String name, Scenario scenario, boolean uniquePrices) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        ScenarioOptions base = ScenarioOptions.defaults();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("two-node", EmbeddedScenarios.get("two-node"), true));
        cases.add(new Case("five-node 35x", EmbeddedScenarios.get("five-node"), true));
        cases.add(new Case("five-node transfer-aware", EmbeddedScenarios.get("five-node",
                base.withBandwidthModel(BandwidthModel.TRANSFER_AWARE)), true));
        cases.add(new Case("five-node latency", EmbeddedScenarios.get("five-node",
                base.withMaxLatency("chat", 15).withMaxLatency("code", 20)), true));
        // END_TO_END: the export comes after column generation, so its restricted LP has the market's optimum
        cases.add(new Case("five-node latency end to end", EmbeddedScenarios.get("five-node",
                base.withMaxLatency("chat", 15).withMaxLatency("code", 20).withLatencyScope(LatencyScope.END_TO_END)),
                true));
        for (int seed = 1; seed <= 2; seed++) {
            cases.add(new Case("sparse ring end to end seed " + seed,
                    SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(20 + 20 * seed, 3, seed)), false));
        }
        cases.add(new Case("five-node 40x", EmbeddedScenarios.get("five-node", base.withScale(40)), true));
        cases.add(new Case("twenty-node 35x", EmbeddedScenarios.get("twenty-node"), false));
        cases.add(new Case("twenty-node 40x (infeasible)", EmbeddedScenarios.get("twenty-node", base.withScale(40)),
                false));
        for (int seed = 1; seed <= 24; seed++) {
            SyntheticScenarios.Spec spec = new SyntheticScenarios.Spec(10 + 7 * seed, 1 + seed % 5, 3 + seed % 4,
                    seed % 2 == 0 ? BandwidthModel.TOKEN_EQUIVALENT : BandwidthModel.TRANSFER_AWARE,
                    seed % 8 == 0 ? 1.2 : 0.3 + 0.025 * seed, seed % 3 != 0, (seed % 4) / 3.0, 1000 + seed);
            cases.add(new Case("random seed " + (1000 + seed), SyntheticScenarios.generate(spec), false));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void glpsolAndClpAgree(Case c) throws Exception {
        Path scenarioFile = dir.resolve(c.name().replace(' ', '_') + ".json");
        Path lpFile = dir.resolve(c.name().replace(' ', '_') + ".lp");
        Files.writeString(scenarioFile, ScenarioJson.write(c.scenario()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(new String[] {"clear", "--scenario", scenarioFile.toString(), "--format", "json",
            "--export-lp", lpFile.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, exit, err.toString());
        JsonNode result = JSON.readTree(out.toString());
        boolean optimal = result.get("status").asText().equals("OPTIMAL");

        Path glpkReport = dir.resolve(c.name().replace(' ', '_') + ".glpsol.txt");
        String glpk = run("glpsol", "--lp", lpFile.toString(), "-o", glpkReport.toString());
        String clpSolution = dir.resolve(c.name().replace(' ', '_') + ".clp.txt").toString();
        String clp = run("clp", lpFile.toString(), "-dualsimplex", "-printingOptions", "all", "-solution", clpSolution);
        if (!optimal) {
            assertTrue(glpk.contains("NO PRIMAL FEASIBLE SOLUTION"), glpk);
            assertTrue(clp.toLowerCase().contains("infeasible"), clp);
            return;
        }
        double ours = result.get("objectivePerHour").asDouble();
        double glpkObjective = 3600 * number(Files.readString(glpkReport), "obj = ([-0-9.eE+]+) \\(MINimum\\)");
        assertEquals(ours, glpkObjective, 1e-6 * Math.max(1, ours), "glpsol objective");
        String clpText = Files.readString(Path.of(clpSolution));
        double clpObjective = 3600 * number(clpText, "Optimal - objective value\\s+([-0-9.eE+]+)");
        assertEquals(ours, clpObjective, 1e-6 * Math.max(1, ours), "clp objective");
        if (c.uniquePrices()) {
            Map<String, Double> duals = rowDuals(clpText);
            for (JsonNode p : result.get("prices")) {
                String row = "bal(" + p.get("node").asText().replace('-', '.') + "," + p.get("class").asText() + ")";
                assertEquals(duals.get(row), p.get("price").asDouble(), 1e-6, "clp dual of " + row);
            }
        }
    }

    /** After updates the exported LP is the one the live solver holds: glpsol agrees with the warm re-clear. */
    @org.junit.jupiter.api.Test
    void theExportAfterUpdatesIsTheLpTheSolverHolds() throws Exception {
        try (var market = io.tokenflow.market.clearing.MarketClearing.open(EmbeddedScenarios.get("twenty-node"),
                io.tokenflow.market.clearing.SolverKind.GLOP)) {
            market.clear();
            market.apply(List.of(
                    new io.tokenflow.market.model.MarketUpdate.CapacityUpdate("dallas", "image", 200_000),
                    new io.tokenflow.market.model.MarketUpdate.DemandUpdate("seattle", "chat", 3_000_000),
                    new io.tokenflow.market.model.MarketUpdate.ElectricityPriceUpdate("phoenix", 0.02),
                    new io.tokenflow.market.model.MarketUpdate.LinkCapacityUpdate("silicon-valley", "seattle", 1)));
            double ours = market.clear().objectivePerHour().getAsDouble();
            Path lp = dir.resolve("updated.lp");
            Path report = dir.resolve("updated.glpsol.txt");
            Files.writeString(lp, market.exportLp());
            run("glpsol", "--lp", lp.toString(), "-o", report.toString());
            double glpk = 3600 * number(Files.readString(report), "obj = ([-0-9.eE+]+) \\(MINimum\\)");
            assertEquals(ours, glpk, 1e-6 * ours);
        }
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** clp's solution file: rows first as "index name activity dual". */
    private static Map<String, Double> rowDuals(String solution) {
        Map<String, Double> duals = new HashMap<>();
        for (String line : solution.split("\n")) {
            String[] f = line.trim().replace("**", "").trim().split("\\s+");
            if (f.length == 4 && f[1].startsWith("bal(")) {
                duals.put(f[1], Double.parseDouble(f[3]));
            }
        }
        return duals;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        return new String(output, StandardCharsets.UTF_8);
    }
}
