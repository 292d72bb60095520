package io.tokenflow.cli;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Resolves a {@code --scenario} argument: an embedded name, a v1 JSON file, or '-' for standard input. */
final class ScenarioSource {
    private ScenarioSource() {}

    static Scenario load(String nameOrFile, InputStream stdin) throws IOException {
        if (EmbeddedScenarios.exists(nameOrFile)) {
            return EmbeddedScenarios.get(nameOrFile);
        }
        if (nameOrFile.equals("-")) {
            return ScenarioJson.read(new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
        }
        if (!nameOrFile.contains("/") && !nameOrFile.contains(".") && !Path.of(nameOrFile).toFile().exists()) {
            throw new IllegalArgumentException("'" + nameOrFile + "' is neither an embedded scenario ("
                    + String.join(", ", EmbeddedScenarios.names()) + ") nor a file");
        }
        return ScenarioJson.read(Path.of(nameOrFile));
    }

    /** An embedded scenario with options, or a file whose demand is scaled (other options need a name). */
    static Scenario load(String nameOrFile, ScenarioOptions options, InputStream stdin) throws IOException {
        if (EmbeddedScenarios.exists(nameOrFile)) {
            return EmbeddedScenarios.get(nameOrFile, options);
        }
        Scenario scenario = load(nameOrFile, stdin);
        if (options.opexAdder()) {
            throw new IllegalArgumentException("--opex-adder applies to the embedded paper scenarios only");
        }
        if (options.bandwidthModel().isPresent()) {
            scenario = scenario.withBandwidthModel(options.bandwidthModel().get());
        }
        for (var limit : options.maxLatencyMs().entrySet()) {
            scenario.classIndex(limit.getKey());
            scenario = scenario.withClasses(c -> c.id().equals(limit.getKey()) ? c.withMaxLatencyMs(limit.getValue()) : c);
        }
        return options.scale().isPresent() ? scenario.withDemandScaled(options.scale().getAsDouble()) : scenario;
    }
}
