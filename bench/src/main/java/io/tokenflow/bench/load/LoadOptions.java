package io.tokenflow.bench.load;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@link LoadDriver}: what to drive, how hard, for how long, and the capacity updates. */
final class LoadOptions {

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The server(s) to drive, loopback only; several serve one market (a leader and its "
                    + "replicas): connections go round-robin over them, updates and GetMarket to the first.")
    String target;

    @Option(names = "--service", defaultValue = "oracle", paramLabel = "oracle|echo",
            description = "Method to call: tokenflow.v1.PricingOracle/Quote (oracle, the default) or "
                    + "tokenflow.bench.Echo/Quote (echo).")
    String service;

    @Option(names = "--requests", paramLabel = "FILE",
            description = "origin<TAB>class per line ('#' starts a comment); default (oracle only): every "
                    + "origin x class of GetMarket's result.prices.")
    Path requests;

    @Option(names = "--channels", defaultValue = "2", paramLabel = "N",
            description = "Connections (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--in-flight", defaultValue = "32", paramLabel = "M",
            description = "Calls outstanding per connection (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--warmup-s", defaultValue = "5", paramLabel = "S",
            description = "Warm-up seconds, counted but not timed, in [0, 600] (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-s", defaultValue = "20", paramLabel = "S",
            description = "Measured seconds, in (0, 600] (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--deadline-ms", defaultValue = "5000", paramLabel = "MS",
            description = "Per-call deadline (default: ${DEFAULT-VALUE}).")
    long deadlineMillis;

    @Option(names = "--updates",
            description = "Also send UpdateCapacity every --update-period-ms on a connection of its own "
                    + "(needs --service oracle).")
    boolean updates;

    @Option(names = "--update-period-ms", defaultValue = "100", paramLabel = "MS",
            description = "Period of the updates (default: ${DEFAULT-VALUE}).")
    long updatePeriodMillis;

    @Option(names = "--update-node", paramLabel = "ID",
            description = "With --update-class: the capacity to flip (default: a node x class serving the first "
                    + "priced origin x class).")
    String updateNode;

    @Option(names = "--update-class", paramLabel = "ID", description = "The class of --update-node.")
    String updateClass;

    @Option(names = "--update-factor", defaultValue = "0.8", paramLabel = "F",
            description = "Alternate F x capacity and capacity (default: ${DEFAULT-VALUE}).")
    double updateFactor;

    @Option(names = "--no-wait-for-clear", description = "Do not ask updates to wait for their clear.")
    boolean noWaitForClear;

    @Option(names = "--server-pid", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "PID",
            description = "Report those processes' CPU time (summed) over the measured window; a comma-separated "
                    + "list, or the option repeated.")
    List<Long> serverPids = new ArrayList<>();

    @Option(names = "--label", paramLabel = "NAME",
            description = "Name of this run in the output (default: the service, '+updates' with --updates).")
    String label;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--quiet-below", defaultValue = "0.5", paramLabel = "CORES",
            description = "Before starting, wait until the machine's busy cores over 1 s are below CORES (other "
                    + "processes' load; default: ${DEFAULT-VALUE}) ...")
    double quietBelowCores;

    @Option(names = "--quiet-wait-s", defaultValue = "60", paramLabel = "S",
            description = "... for at most S seconds (default: ${DEFAULT-VALUE}; 0: do not wait).")
    double quietWaitSeconds;

    boolean waitForClear() {
        return !noWaitForClear;
    }

    /** Checks the options together and fills in the default label; throws naming the offending option. */
    void validate() {
        if (!service.equals("oracle") && !service.equals("echo")) {
            throw new IllegalArgumentException("--service must be oracle or echo");
        }
        if (updates && !service.equals("oracle")) {
            throw new IllegalArgumentException("--updates needs --service oracle");
        }
        if (requests == null && !service.equals("oracle")) {
            throw new IllegalArgumentException("--service echo needs --requests FILE (the echo has no GetMarket)");
        }
        if (channels < 1 || inFlight < 1) {
            throw new IllegalArgumentException("--channels and --in-flight must be >= 1");
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= 600 && measureSeconds > 0 && measureSeconds <= 600)) {
            throw new IllegalArgumentException("--warmup-s must be in [0, 600] and --measure-s in (0, 600]");
        }
        if (label == null) {
            label = service + (updates ? "+updates" : "");
        }
    }

    /** The loopback addresses of {@code --target}, in order; throws for one that is not loopback. */
    List<InetSocketAddress> targets() {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (String t : target.split(",")) {
            targets.add(Loopback.target(t.trim()));
        }
        return targets;
    }
}
