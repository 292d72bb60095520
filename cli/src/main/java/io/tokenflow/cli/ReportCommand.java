package io.tokenflow.cli;

import io.tokenflow.client.OracleInternalException;
import io.tokenflow.client.PriceHistoryView;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.follow.PublishedVersion;
import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignals;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.report.MarketReport;
import io.tokenflow.report.PriceHistorySeries;
import io.tokenflow.report.ReportWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenflow report}: figures and a static page for a scenario, or for the market a running
 * oracle serves now (with its price history).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write PNG and SVG figures and an index.html for a cleared market: dispatch map, processing "
                + "by node and class, utilisation, demand sweep, price decomposition, investment signals and, with "
                + "--target, the oracle's price history.",
            "Give a scenario (embedded name, v1 file or '-') or --target HOST:PORT, not both."})
final class ReportCommand implements Callable<Integer> {
    /** The paper's sweep (Figure 3): scales 1x-45x of its unit demand. */
    static final String PAPER_SCALES = "1..45";
    /** Elsewhere: from a tenth of today's demand to twice it. */
    static final String RELATIVE_SCALES = "0.1..2:0.1";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME|FILE",
            description = "An embedded scenario (two-node, five-node, twenty-node), a v1 scenario file, or '-' "
                    + "for standard input.")
    String scenario;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Report on the market this oracle serves now, with its price history.")
    String target;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Write the figures and index.html here.")
    Path out;

    @Option(names = "--scales", paramLabel = "LIST",
            description = "Demand sweep scales (as for 'sweep'); default " + PAPER_SCALES + " for five-node and "
                    + "twenty-node (the paper's scale), else " + RELATIVE_SCALES + " x the current demand.")
    String scales;

    @Option(names = "--top", defaultValue = "15", paramLabel = "N",
            description = "Investment signals shown (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--hours", defaultValue = "" + InvestmentSignals.HOURS_PER_YEAR, paramLabel = "H",
            description = "Hours the rents are counted over (default: ${DEFAULT-VALUE}, a year).")
    double hours;

    @Option(names = "--history-class", paramLabel = "CLASS",
            description = "With --target: the classes whose price history to draw (default: every class).")
    List<String> historyClasses = new ArrayList<>();

    @Option(names = "--svg", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Write each figure as SVG too (default); --no-svg writes PNG only (SVGs are 4-6x larger).")
    boolean svg;

    @Option(names = "--since", converter = ServeCommand.DurationConverter.class, paramLabel = "DURATION",
            description = "With --target: draw the price history of this last stretch only, e.g. 1h "
                    + "(default: every version the oracle retains).")
    Duration since;

    @Option(names = "--scarcity-threshold", defaultValue = "" + MarketIndicators.DEFAULT_SCARCITY_THRESHOLD,
            paramLabel = "$/M", description = "A node-class pair is scarce when its rent is at least this "
                    + "(default: ${DEFAULT-VALUE}).")
    double scarcityThreshold;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    @Mixin
    OracleConnectionOptions connection = new OracleConnectionOptions();

    @Option(names = "--deadline", defaultValue = "30s", converter = ServeCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "With --target: give up on each call after this long "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Mixin
    VariantOptions variants = new VariantOptions();

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        if ((scenario == null) == (target == null)) {
            throw new IllegalArgumentException("give a scenario or --target HOST:PORT, not "
                    + (scenario == null ? "neither" : "both"));
        }
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1, got " + top);
        }
        if (!(hours > 0) || Double.isInfinite(hours)) {
            throw new IllegalArgumentException("--hours must be finite and > 0, got " + hours);
        }
        if (target == null && (!historyClasses.isEmpty() || since != null)) {
            throw new IllegalArgumentException((since != null ? "--since" : "--history-class")
                    + " needs --target: a scenario has no price history");
        }
        if (since != null && (since.isNegative() || since.isZero())) {
            throw new IllegalArgumentException("--since must be a positive duration, got " + since);
        }
        MarketIndicators indicators = new MarketIndicators(scarcityThreshold);
        MarketReport report = target == null ? fromScenario(indicators) : fromOracle(indicators);
        List<Path> written = ReportWriter.write(report, out, svg);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d files; open %s%n", written.size(),
                out.resolve(ReportWriter.INDEX));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private MarketReport fromScenario(MarketIndicators indicators) throws Exception {
        Scenario market = ScenarioSource.load(scenario, variants.toOptions(), System.in);
        boolean paperScale = EmbeddedScenarios.exists(scenario) && !scenario.equals("two-node");
        List<Double> list = SweepCommand.parseScales(scales != null ? scales : paperScale ? PAPER_SCALES
                : RELATIVE_SCALES);
        // a file (or standard input, which reads once) sweeps the scenario already loaded
        List<DemandSweep.Point> points = EmbeddedScenarios.exists(scenario)
                ? SweepCommand.sweep(scenario, variants.toOptions(), list, solver)
                : DemandSweep.run(market::withDemandScaled, list, solver);
        String source = EmbeddedScenarios.exists(scenario) ? "embedded scenario " + scenario
                : scenario.equals("-") ? "scenario from standard input" : "scenario file " + scenario;
        return report(market, MarketClearing.clearOnce(market, solver), source,
                new MarketReport.Sweep(paperScale ? "the paper's scale, × its unit demand" : "× the scenario's demand",
                        points),
                indicators, List.of());
    }

    private MarketReport fromOracle(MarketIndicators indicators) throws Exception {
        if (variants.bandwidth != null || !variants.maxLatency.isEmpty() || variants.opexAdder
                || variants.latencyScope != null) {
            throw new IllegalArgumentException("--bandwidth, --max-latency, --latency-scope and --opex-adder change a"
                    + " scenario; "
                    + "with --target the report shows the oracle's market as it is");
        }
        try (PricingOracleClient client = connection.client(target, deadline)) {
            PublishedVersion market = PublishedVersion.of(client.market());
            List<Double> list = SweepCommand.parseScales(scales != null ? scales : RELATIVE_SCALES);
            List<DemandSweep.Point> points = DemandSweep.run(market.scenario()::withDemandScaled, list, solver);
            String source = "oracle at " + target + ", market version " + market.version() + " cleared at "
                    + market.clearedAt() + (market.stale() ? " (stale: its last re-clear failed)" : "");
            return report(market.scenario(), market.result(), source,
                    new MarketReport.Sweep("× the oracle's current demand", points), indicators,
                    history(client, market.scenario(), market.result()));
        }
    }

    private List<PriceHistorySeries> history(PricingOracleClient client, Scenario served, ClearingResult result) {
        List<String> classes = historyClasses.isEmpty() ? result.classIds() : historyClasses;
        classes.forEach(served::classIndex); // an unknown class fails here, named, before any call
        Instant from = since == null ? null : clock.instant().minus(since);
        List<PriceHistorySeries> series = new ArrayList<>();
        for (String cls : classes) {
            Map<String, List<PriceHistorySeries.Point>> byOrigin = new LinkedHashMap<>();
            for (ComputeNode origin : served.nodes()) {
                PriceHistoryView history;
                try {
                    // the report shows each version's one-line cause: the full lists would be most of the bytes
                    history = client.priceHistory(origin.id(), cls, from, false);
                } catch (OracleInternalException e) {
                    if (e.statusCode().equals("UNIMPLEMENTED")) {
                        spec.commandLine().getErr().println("tokenflow: warning: this oracle keeps no price history "
                                + "(PriceHistory is UNIMPLEMENTED); the report has none");
                        return List.of();
                    }
                    throw e;
                }
                byOrigin.put(origin.id(), history.points().stream().map(p -> new PriceHistorySeries.Point(
                        p.clearedAt(), p.marketVersion(), p.pricePerMTokens(), p.cause())).toList());
            }
            series.add(new PriceHistorySeries(cls, byOrigin));
        }
        return series;
    }

    private MarketReport report(Scenario market, ClearingResult result, String source, MarketReport.Sweep sweep,
            MarketIndicators indicators, List<PriceHistorySeries> history) {
        return new MarketReport(market.name(), source,
                "tokenflow " + String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                clock.instant(), market, result, sweep, indicators,
                result.optimal() ? InvestmentSignals.rank(market, result, hours) : List.of(), top, hours, history);
    }
}
