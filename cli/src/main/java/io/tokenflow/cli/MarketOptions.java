package io.tokenflow.cli;

import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The options every command that clears a market shares: which scenario, which solver. */
final class MarketOptions {
    @Option(names = "--scenario", paramLabel = "FILE|NAME", defaultValue = EmbeddedScenarios.DEFAULT,
            description = "A v1 scenario file, '-' for standard input, or an embedded scenario: two-node, "
                    + "five-node, twenty-node (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    Scenario load() throws IOException {
        return ScenarioSource.load(scenario, System.in);
    }
}
