package io.tokenflow.cli;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Clear a scenario and print its prices, dispatch, rents and settlement.")
final class ClearCommand implements Callable<Integer> {
    enum Format { json, table }

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE|NAME", defaultValue = EmbeddedScenarios.DEFAULT,
            description = "A v1 scenario file, '-' for standard input, or an embedded scenario: two-node, "
                    + "five-node, twenty-node (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--format", defaultValue = "table",
            description = "json (the clearing result format v1) or table (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    @Option(names = "--export-lp", paramLabel = "FILE",
            description = "Also write the LP the solver saw (CPLEX LP format; glpsol --lp and clp read it).")
    Path exportLp;

    @Override
    public Integer call() throws Exception {
        Scenario loaded = ScenarioSource.load(scenario, System.in);
        ClearingResult result;
        try (MarketClearing market = MarketClearing.open(loaded, solver)) {
            if (exportLp != null) {
                Files.writeString(exportLp, market.exportLp());
            }
            result = market.clear();
        }
        var out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.print(ClearingResultJson.write(result));
        } else {
            out.print(ResultTable.render(loaded, result));
        }
        out.flush();
        return 0;
    }
}
