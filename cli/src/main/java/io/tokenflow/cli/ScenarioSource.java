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

    /** An embedded scenario built with the options, or a file (or stdin) with the options applied to it. */
    static Scenario load(String nameOrFile, ScenarioOptions options, InputStream stdin) throws IOException {
        if (EmbeddedScenarios.exists(nameOrFile)) {
            return EmbeddedScenarios.get(nameOrFile, options);
        }
        return options.applyTo(load(nameOrFile, stdin));
    }
}
