package io.tokenflow.cli;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Print an embedded scenario as v1 JSON (pipe it into 'clear --scenario -' or edit it).")
final class ScenarioCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "two-node, five-node or twenty-node.")
    String name;

    @Option(names = "--scale", paramLabel = "S",
            description = "Demand scale: the paper's 1x-45x for five-node and twenty-node (default 35), "
                    + "a multiplier of the written demand for two-node (default 1).")
    Double scale;

    @Mixin
    VariantOptions variants = new VariantOptions();

    @Override
    public Integer call() {
        if (!EmbeddedScenarios.exists(name)) {
            throw new IllegalArgumentException("unknown embedded scenario '" + name + "' (embedded: "
                    + String.join(", ", EmbeddedScenarios.names()) + ")");
        }
        ScenarioOptions options = variants.toOptions();
        if (scale != null) {
            options = options.withScale(scale);
        }
        spec.commandLine().getOut().print(ScenarioJson.write(EmbeddedScenarios.get(name, options)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
