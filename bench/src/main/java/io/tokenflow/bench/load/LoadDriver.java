package io.tokenflow.bench.load;

import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Closed-loop Quote load against the oracle or the echo baseline, on loopback only.
 *
 * <p>{@code channels} HTTP/2 connections, each with {@code in-flight} calls outstanding; each completion
 * issues the next call on its slot until the end of the measurement ({@link ClosedLoop}). The slots cycle
 * through the request list (every origin x class). Latency is System.nanoTime() from issuing a call to its
 * completion, recorded into an HdrHistogram for every call <em>issued</em> inside the measurement window;
 * QPS is that count over the window. Warm-up calls are counted (errors included) but not timed. Each call
 * has a deadline; errors are counted by status code, warm-up and measurement apart.
 *
 * <p>With {@code --updates}, a second task ({@link CapacityUpdater}) sends UpdateCapacity every
 * {@code --update-period-ms} (100 ms) for one node x class on its own connection, alternating 80 % of the
 * capacity in force and the capacity in force (restored at the end), with {@code wait_for_clear} so that
 * each acknowledged update is a cleared version; it counts updates, update errors, and the versions seen
 * (updates, quotes, and GetMarket before and after).
 *
 * <p>Prints one summary line and, with {@code --json}, writes the figures ({@link LoadResults}). Exit
 * status 0 when every call completed, 1 when some did not or the run failed, 2 for bad options. Run
 * {@code java -cp ... io.tokenflow.bench.load.LoadDriver --help} for the options ({@link LoadOptions}).
 */
@Command(name = "LoadDriver", mixinStandardHelpOptions = true, versionProvider = LoadDriver.Version.class,
        sortOptions = false,
        description = "Closed-loop Quote load on loopback against the oracle or the echo baseline: --channels "
                + "connections with --in-flight calls outstanding each, --warmup-s then --measure-s seconds; prints "
                + "QPS, latency percentiles, errors by code and CPU, optionally with capacity updates forcing "
                + "re-clears.")
public final class LoadDriver implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LoadOptions options;

    public static void main(String[] args) {
        // as before picocli: an option given twice takes its last value
        System.exit(new CommandLine(new LoadDriver()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<InetSocketAddress> targets;
        try {
            options.validate();
            targets = options.targets();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "LoadDriver: " + e.getMessage(), e);
        }
        Map<String, Object> result;
        try {
            result = ClosedLoop.run(options, targets);
        } catch (IllegalStateException | StatusRuntimeException e) {
            System.err.println("LoadDriver: " + e.getMessage());
            return 1;
        }
        if (options.json != null) {
            LoadResults.writeJson(result, options.json);
        }
        return Boolean.TRUE.equals(result.get("completed")) ? 0 : 1;
    }

    /** {@code --version}: the bench module's version, when run from its jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LoadDriver.class.getPackage().getImplementationVersion();
            return new String[] {"tokenflow-bench LoadDriver " + (version == null ? "(development build)" : version)};
        }
    }
}
