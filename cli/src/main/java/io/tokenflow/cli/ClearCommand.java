package io.tokenflow.cli;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Clear a scenario and print its prices, dispatch, rents and settlement.")
final class ClearCommand implements Callable<Integer> {
    enum Format { json, table }

    @Spec
    CommandSpec spec;

    @Mixin
    MarketOptions marketOptions;

    @Option(names = "--format", defaultValue = "table",
            description = "json (the clearing result format v1) or table (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--export-lp", paramLabel = "FILE",
            description = "Also write the LP the solver saw (CPLEX LP format; glpsol --lp and clp read it): for END_TO_END"
                    + " classes, with the paths column generation found, so its optimum is the market's.")
    Path exportLp;

    @Override
    public Integer call() throws Exception {
        Scenario loaded = marketOptions.load();
        ClearingResult result;
        try (MarketClearing market = MarketClearing.open(loaded, marketOptions.solver)) {
            result = market.clear();
            if (exportLp != null) {
                // after the clear: the paths generated for END_TO_END classes are part of the LP
                Files.writeString(exportLp, market.exportLp());
            }
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
