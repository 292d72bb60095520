package io.tokenflow.cli;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Clear a scenario at a series of demand scales and print one CSV row per scale.",
            "Re-clears warm. Columns: cost, demand,",
            "mean price per class, scarce node-class pairs (scarcity rent >= the threshold), congested links",
            "(positive rent), saturated links (full), unserved demand."})
final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME|FILE", description = "An embedded scenario or a v1 file (its demand is scaled).")
    String scenario;

    @Option(names = "--scales", required = true, paramLabel = "LIST",
            description = "Scales: 1..45 (step 1), 5..45:5 (step 5), or a comma list such as 1,10,35..40.")
    String scales;

    @Option(names = "--scarcity-threshold", defaultValue = "" + MarketIndicators.DEFAULT_SCARCITY_THRESHOLD,
            paramLabel = "$/M",
            description = "A node-class pair is scarce when its rent is at least this (default: ${DEFAULT-VALUE}).")
    double scarcityThreshold;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    @Mixin
    VariantOptions variants = new VariantOptions();

    @Override
    public Integer call() throws Exception {
        List<Double> list = parseScales(scales);
        ScenarioOptions options = variants.toOptions();
        List<DemandSweep.Point> points = sweep(scenario, options, list, solver);
        spec.commandLine().getErr().printf(Locale.ROOT, "# scarcePairs: rent >= %s $/M tokens; congestedLinks: rent > 0;"
                + " saturatedLinks: load >= capacity%n", scarcityThreshold);
        spec.commandLine().getOut().print(DemandSweep.csv(points, new MarketIndicators(scarcityThreshold)));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Sweeps an embedded scenario at the paper's absolute scales (five-node 35 is the paper's 35x) or a
     * file's demand multiplied by each scale.
     */
    static List<DemandSweep.Point> sweep(String scenario, ScenarioOptions options, List<Double> scales,
            SolverKind solver) throws java.io.IOException {
        if (EmbeddedScenarios.exists(scenario)) {
            return DemandSweep.run(s -> EmbeddedScenarios.get(scenario, options.withScale(s)), scales, solver);
        }
        Scenario base = ScenarioSource.load(scenario, options, System.in);
        return DemandSweep.run(base::withDemandScaled, scales, solver);
    }

    /** Parses {@code 1..45}, {@code 5..45:5} and comma lists of those and of single numbers. */
    static List<Double> parseScales(String text) {
        List<Double> scales = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("..")) {
                    String[] range = p.split("\\.\\.", 2);
                    String[] endStep = range[1].split(":", 2);
                    double from = Double.parseDouble(range[0]);
                    double to = Double.parseDouble(endStep[0]);
                    double step = endStep.length > 1 ? Double.parseDouble(endStep[1]) : 1;
                    if (!(step > 0) || !(to >= from) || (to - from) / step > 100_000) {
                        throw new IllegalArgumentException("--scales range '" + p
                                + "' must go up from its start with a positive step");
                    }
                    for (long i = 0; from + i * step <= to + 1e-9; i++) {
                        scales.add(from + i * step);
                    }
                } else {
                    scales.add(Double.parseDouble(p));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scales must look like 1..45, 5..45:5 or 1,10,35; got '" + text + "'");
            }
        }
        for (double s : scales) {
            if (!Double.isFinite(s) || s < 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "--scales must be finite and >= 0, got %s", s));
            }
        }
        return scales;
    }
}
