package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.service.LeaderOracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenflow report}: the page shows the market's own numbers and every figure it links exists. */
class ReportCommandTest {
    private static final Pattern IMAGE = Pattern.compile("<img src=\"([a-z0-9-]+)\\.png\"");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void aScenarioReportShowsItsCostPricesAndEveryFigure(@TempDir Path dir) throws Exception {
        assertEquals(0, run("report", "two-node", "--out", dir.toString()), err.toString());
        String page = Files.readString(dir.resolve("index.html"));
        ClearingResult result = MarketClearing.clearOnce(EmbeddedScenarios.get("two-node"), SolverKind.GLOP);
        assertTrue(page.contains(String.format(Locale.ROOT, "<td>%,.2f</td>", result.objectivePerHour().getAsDouble())),
                "the page states the cost");
        for (NodePrice p : result.prices()) {
            assertTrue(page.contains("<tr><td>" + p.node() + "</td><td>" + p.classId() + "</td><td>"), p.toString());
        }
        List<String> stems = figures(page, dir);
        assertTrue(stems.size() >= 7, "dispatch, processing, two utilisations, sweep, decompositions, signals: " + stems);
        assertTrue(page.contains("made by <code>tokenflow report two-node --out " + dir + "</code>"));
        assertFalse(page.contains("id=\"history\""), "a scenario has no price history");
    }

    @Test
    void anOracleReportShowsItsVersionAndPriceHistoryWithCauses(@TempDir Path dir) throws Exception {
        try (LoopbackOracle loopback = LoopbackOracle.start("five-node")) {
            LeaderOracle oracle = loopback.oracle;
            long v = oracle.submit(List.of(new MarketUpdate.CapacityUpdate("dallas", "image", 120_000))).version();
            oracle.whenCleared(v).get(20, TimeUnit.SECONDS);
            String target = loopback.target;
            assertEquals(0, run("report", "--target", target, "--out", dir.toString(), "--history-class", "image",
                    "--scales", "0.5,1,1.5"), err.toString());
            assertEquals("", err.toString(), "no warning");
            String page = Files.readString(dir.resolve("index.html"));
            assertTrue(page.contains("oracle at " + target + ", market version " + v + " cleared at "), page);
            double cost = oracle.state().snapshot().result().objectivePerHour().getAsDouble();
            assertTrue(page.contains(String.format(Locale.ROOT, "<td>%,.2f</td>", cost)), "the oracle's cost");
            assertTrue(page.contains("id=\"history\""));
            assertTrue(page.contains("capacity dallas/image"), "the version's cause");
            assertTrue(figures(page, dir).contains("price-history-image"));
            // the last millisecond holds no version: the history is drawn empty, not from older versions
            Path recent = dir.resolve("recent");
            assertEquals(0, run("report", "--target", target, "--out", recent.toString(), "--history-class",
                    "image", "--scales", "1", "--since", "1ms", "--no-svg"), err.toString());
            String recentPage = Files.readString(recent.resolve("index.html"));
            assertTrue(recentPage.contains("(0 version(s), 5 origin(s))"), recentPage);
            assertFalse(recentPage.contains("capacity dallas/image"), "older versions are left out");
            assertEquals(2, run("report", "--target", target, "--out", dir.resolve("bad").toString(),
                    "--history-class", "video"));
            assertTrue(err.toString().contains("unknown class 'video'"), err.toString());
            assertFalse(Files.exists(dir.resolve("bad")));
        }
    }

    @Test
    void anInfeasibleScenarioStillGetsItsDispatchAndDiagnosis(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("five-node-60x.json");
        Files.writeString(file, ScenarioJson.write(EmbeddedScenarios.get("five-node",
                ScenarioOptions.defaults().withScale(60))));
        Path report = dir.resolve("report");
        assertEquals(0, run("report", file.toString(), "--out", report.toString(), "--scales", "0.5,1", "--no-svg"),
                err.toString());
        String page = Files.readString(report.resolve("index.html"));
        assertTrue(page.contains("<td>INFEASIBLE</td>"));
        assertTrue(page.contains("<td>diagnosis</td>"));
        assertFalse(page.contains("id=\"prices\""), "an infeasible market has no prices");
        assertTrue(page.contains("<img src=\"dispatch-map.png\""));
        assertFalse(page.contains(".svg"), "--no-svg links no SVG");
        try (var files = Files.list(report)) {
            assertEquals(List.of(), files.map(Path::toString).filter(f -> f.endsWith(".svg") || f.endsWith(".tmp"))
                    .toList());
        }
    }

    @Test
    void badInvocationsExitTwoWithTheReasonAndWriteNothing(@TempDir Path dir) {
        Path outDir = dir.resolve("none");
        assertEquals(2, run("report", "--out", outDir.toString()));
        assertTrue(err.toString().contains("give a scenario or --target HOST:PORT, not neither"), err.toString());
        assertEquals(2, run("report", "two-node", "--target", "127.0.0.1:1", "--out", outDir.toString()));
        assertTrue(err.toString().contains("not both"), err.toString());
        assertEquals(2, run("report", "two-node", "--history-class", "chat", "--out", outDir.toString()));
        assertTrue(err.toString().contains("--history-class needs --target"), err.toString());
        assertEquals(2, run("report", "two-node", "--since", "1h", "--out", outDir.toString()));
        assertTrue(err.toString().contains("--since needs --target"), err.toString());
        assertEquals(2, run("report", "two-node", "--top", "0", "--out", outDir.toString()));
        assertTrue(err.toString().contains("--top must be >= 1, got 0"), err.toString());
        assertEquals(2, run("report", "two-node", "--hours", "-1", "--out", outDir.toString()));
        assertTrue(err.toString().contains("--hours must be finite and > 0, got -1.0"), err.toString());
        assertFalse(Files.exists(outDir));
        assertEquals(1, run("report", "--target", "127.0.0.1:1", "--deadline", "2s", "--out", outDir.toString()));
        assertTrue(err.toString().contains("UNAVAILABLE"), err.toString());
    }

    /** The stems of the page's figures, each checked to exist as a readable PNG and an SVG. */
    private static List<String> figures(String page, Path dir) throws Exception {
        List<String> stems = new ArrayList<>();
        Matcher m = IMAGE.matcher(page);
        while (m.find()) {
            String stem = m.group(1);
            stems.add(stem);
            assertTrue(ImageIO.read(dir.resolve(stem + ".png").toFile()).getWidth() > 0, stem);
            assertTrue(Files.readString(dir.resolve(stem + ".svg")).contains("<svg"), stem);
            assertTrue(page.contains("<a href=\"" + stem + ".svg\">SVG</a>"), stem);
        }
        return stems;
    }
}
