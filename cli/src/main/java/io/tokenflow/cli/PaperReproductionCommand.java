package io.tokenflow.cli;

import io.tokenflow.market.analysis.PaperReproduction;
import io.tokenflow.market.clearing.SolverKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "paper-reproduction", mixinStandardHelpOptions = true,
        description = "Re-run the paper's case studies and write the side-by-side page (markdown).")
final class PaperReproductionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the page here instead of standard output.")
    Path out;

    @Option(names = "--solver", defaultValue = "glop", converter = SolverConverter.class, paramLabel = "glop|clp",
            description = "LP solver (default: ${DEFAULT-VALUE}).")
    SolverKind solver;

    @Override
    public Integer call() throws Exception {
        String page = PaperReproduction.markdown(solver);
        if (out == null) {
            spec.commandLine().getOut().print(page);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(out, page);
            spec.commandLine().getErr().println("wrote " + out);
        }
        return 0;
    }
}
