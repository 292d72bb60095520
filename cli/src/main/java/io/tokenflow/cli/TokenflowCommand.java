package io.tokenflow.cli;

import io.tokenflow.client.OracleException;
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
        description = "TokenFlow Oracle: clears a token-flow market, prices GenAI service per origin and class, and serves the prices over gRPC.",
        subcommands = {
            ClearCommand.class,
            ServeCommand.class,
            SettlementCommand.class,
            ScenarioCommand.class,
            SweepCommand.class,
            ReportCommand.class,
            UpdateCommand.class,
            PaperReproductionCommand.class,
            DemoCommand.class,
            MenuCommand.class,
            RetailCommand.class,
            CommandLine.HelpCommand.class
        })
public final class TokenflowCommand implements Runnable {
    static final int EXIT_INVALID_INPUT = 2;
    static final int EXIT_FAILURE = 1;
    /** Statuses that say the request was wrong (exit 2), as opposed to the server or network (exit 1). */
    private static final java.util.Set<String> CALLER_ERRORS = java.util.Set.of(
            "INVALID_ARGUMENT", "NOT_FOUND", "OUT_OF_RANGE", "FAILED_PRECONDITION");

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
            if (e instanceof OracleException o) {
                // the oracle's own words: the status and the message naming the field or version
                commandLine.getErr().println("tokenflow: " + o.getMessage());
                return CALLER_ERRORS.contains(o.statusCode()) ? EXIT_INVALID_INPUT : EXIT_FAILURE;
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
