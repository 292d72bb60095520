package io.tokenflow.cli;

import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.UnknownIdException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tokenflow} command line: clears scenarios, prints embedded ones, sweeps demand and
 * reproduces the paper.
 *
 * <p>Exit codes: 0 done (a clearing that is INFEASIBLE is still a result: its status is in the
 * output); 2 invalid input (bad scenario, unknown id, bad option), with a one-line message naming
 * the field and value; 1 anything else (solver failure, I/O).
 */
@Command(
        name = "tokenflow",
        mixinStandardHelpOptions = true,
        versionProvider = TokenflowCommand.Version.class,
        description = "TokenFlow Oracle: clears a token-flow market and prices GenAI service per origin and class.",
        subcommands = {
            ClearCommand.class,
            ServeCommand.class,
            ScenarioCommand.class,
            SweepCommand.class,
            PaperReproductionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class TokenflowCommand implements Runnable {
    static final int EXIT_INVALID_INPUT = 2;
    static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TokenflowCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InvalidScenarioException || e instanceof UnknownIdException
                    || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("tokenflow: invalid input: " + e.getMessage());
                return EXIT_INVALID_INPUT;
            }
            commandLine.getErr().println("tokenflow: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TokenflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"tokenflow " + (version == null ? "(development build)" : version)};
        }
    }
}
