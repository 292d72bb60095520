package io.tokenflow.cli;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.RetailJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.retail.PriceCompetition;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.RetailPricing;
import io.tokenflow.market.retail.SitePrices;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.report.figures.RetailProfitCurveFigure;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenflow retail}: the retail pricing game on top of the cleared market (docs/retail.md). Reads one
 * game and answers its target's exact profit-maximising price, or, without a target, the users' equilibrium
 * at the posted prices; with {@code --all-lead}, every provider's best responses in turn.
 */
@Command(name = "retail", mixinStandardHelpOptions = true,
        subcommands = {RetailCalibrateCommand.class},
        description = {"Solve a retail pricing game (docs/retail.md): the target provider's exact profit-maximising "
                + "price against the users' equilibrium, or the equilibrium at the posted prices when the game has "
                + "no target.",
            "Providers that give node and class take their cost from a cleared market: --scenario (cleared here) "
                + "or --target HOST:PORT (the oracle's live market, through its RetailEquilibrium call)."})
final class RetailCommand implements Callable<Integer> {
    enum Format { json, table }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE|-", description = "A retail game (JSON), or '-' for standard input.")
    String game;

    @Option(names = "--scenario", paramLabel = "NAME|FILE",
            description = "Clear this scenario (embedded name or v1 file) for the site prices g + mu of node x class "
                    + "costs.")
    String scenario;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver for --scenario (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Ask this oracle (RetailEquilibrium), which fills node x class costs from its live market.")
    String target;

    @Mixin
    OracleConnectionOptions connection;

    @Option(names = "--deadline", defaultValue = "PT60S", paramLabel = "DURATION",
            description = "With --target: the call's deadline, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--format", defaultValue = "json", description = "json (the retail answer format) or table "
            + "(default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the target's profit curve as a PNG.")
    Path plot;

    @Option(names = "--curve-points", defaultValue = "" + RetailPricing.DEFAULT_CURVE_POINTS, paramLabel = "N",
            description = "Evenly spaced prices on the profit curve (default: ${DEFAULT-VALUE}).")
    int curvePoints;

    @Option(names = "--all-lead", description = "Every provider leads at once: iterated exact best responses over "
            + "priceRange, reporting whether and where they converge (local: --scenario or numbers only).")
    boolean allLead;

    @Option(names = "--rounds", defaultValue = "" + PriceCompetition.DEFAULT_ROUNDS, paramLabel = "N",
            description = "With --all-lead: the most rounds of best responses (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (game == null) {
            throw new IllegalArgumentException("a game file (or '-') is required; see 'tokenflow retail --help'");
        }
        if (scenario != null && target != null) {
            throw new IllegalArgumentException("--scenario and --target both give the market: give one");
        }
        if (allLead && target != null) {
            throw new IllegalArgumentException("--all-lead runs here: give --scenario, not --target");
        }
        RetailGame parsed = readGame(game, System.in);
        PrintWriter out = spec.commandLine().getOut();
        if (allLead) {
            PriceCompetition.Outcome outcome = PriceCompetition.play(parsed, market(), rounds,
                    PriceCompetition.DEFAULT_TOLERANCE);
            out.print(format == Format.json ? RetailJson.writeCompetition(outcome) : RetailTable.competition(outcome));
            out.flush();
            return 0;
        }
        RetailAnswer answer;
        OptionalLong version = OptionalLong.empty();
        if (target != null) {
            RetailRemote.Answered remote = RetailRemote.ask(connection.client(target, deadline), parsed, curvePoints);
            answer = remote.answer();
            version = OptionalLong.of(remote.marketVersion());
        } else {
            answer = RetailPricing.answer(parsed, market(), curvePoints);
        }
        if (plot != null) {
            RetailProfitCurveFigure.writePng(answer, plot);
        }
        out.print(format == Format.json ? RetailJson.writeAnswer(answer, version) : RetailTable.answer(answer, version));
        out.flush();
        return 0;
    }

    private Optional<SitePrices> market() throws java.io.IOException {
        if (scenario == null) {
            return Optional.empty();
        }
        Scenario loaded = ScenarioSource.load(scenario, InputStream.nullInputStream());
        try (MarketClearing clearing = MarketClearing.open(loaded, solver)) {
            ClearingResult result = clearing.clear();
            return Optional.of(SitePrices.of(loaded, result));
        }
    }

    static RetailGame readGame(String file, InputStream stdin) throws java.io.IOException {
        if (file.equals("-")) {
            return RetailJson.readGame(new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
        }
        return RetailJson.readGame(Path.of(file));
    }
}
