package io.tokenflow.cli;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.demo.DemoChart;
import io.tokenflow.demo.DemoReport;
import io.tokenflow.demo.DemoRun;
import io.tokenflow.demo.Simulator;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tokenflow demo}: replays a seeded request trace of a scenario against three routers
 * (nearest, static-cheapest, oracle), pushes a capacity drop through the oracle mid-run and compares
 * each router with the LP optimum. Without {@code --target} it starts an oracle on the scenario itself
 * on 127.0.0.1 at a free port; with one, that oracle must serve the same scenario (costs are computed
 * from it here). The routers reach the oracle through the client SDK, as any router would.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Replay a seeded request trace against three routers (nearest, static-cheapest, oracle), "
                + "push a capacity drop through UpdateCapacity mid-run, and compare each router's cost, latency "
                + "share, overloads and rejections with the LP optimum. router-demo/README.md explains the figures."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE|NAME", defaultValue = EmbeddedScenarios.DEFAULT,
            description = "A v1 scenario file, '-' for standard input, or an embedded scenario: two-node, "
                    + "five-node, twenty-node (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "An oracle serving the same scenario; default: start one on 127.0.0.1 at a free port.")
    String target;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--chart", paramLabel = "FILE",
            description = "Write the cost-over-time PNG here (default with --report: its name with .png).")
    Path chart;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the request trace; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--window", defaultValue = "120", paramLabel = "SECONDS",
            description = "Simulated seconds; default ${DEFAULT-VALUE}.")
    double window;

    @Option(names = "--step", defaultValue = "1", paramLabel = "SECONDS",
            description = "Simulation step; default ${DEFAULT-VALUE}.")
    double step;

    @Option(names = "--queue", defaultValue = "5", paramLabel = "SECONDS",
            description = "A site's queue bound, in seconds of its capacity; default ${DEFAULT-VALUE}.")
    double queue;

    @Option(names = "--scale", paramLabel = "FACTOR",
            description = "Demand scale: the paper's scale of an embedded scenario (five-node and twenty-node are 35x as "
                    + "embedded; 60 makes five-node short), a factor on a file's demand; default: as it is.")
    Double scale;

    @Option(names = "--drop", paramLabel = "NODE:CLASS:FACTOR|none",
            description = "The capacity drop pushed mid-run, or 'none'; default dallas:image:0.5 where the scenario "
                    + "has them, else the first node and class at 50 %.")
    String drop;

    @Option(names = "--drop-at", defaultValue = "0.5", paramLabel = "SHARE",
            description = "When the drop comes, as a share of the window; default ${DEFAULT-VALUE}.")
    double dropAt;

    @Option(names = "--report-demand-every", defaultValue = "10", paramLabel = "SECONDS",
            description = "How often the oracle router reports the demand it has seen (UpdateDemand: each origin x "
                    + "class's mean rate since the start), so the market clears at the trace's rates; 0: never; "
                    + "default ${DEFAULT-VALUE}.")
    double reportDemandEvery;

    @Mixin
    OracleConnectionOptions connection = new OracleConnectionOptions();

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = spec.commandLine().getOut();
        Scenario loaded = scale == null ? ScenarioSource.load(scenario, System.in)
                : ScenarioSource.load(scenario, ScenarioOptions.defaults().withScale(scale), System.in);
        if (!(step > 0) || !(window >= step)) {
            throw new IllegalArgumentException("--window must be >= --step > 0, got --window " + window
                    + " --step " + step);
        }
        Simulator.Config sim = new Simulator.Config((int) Math.round(window / step), step, queue, seed);
        OracleConfig config = OracleConfig.builder().build();
        DemoRun.Settings settings = new DemoRun.Settings(sim, capacityDrop(loaded),
                config.defaultUnservedPenaltyPerMTokens(), reportDemandEvery);

        LeaderOracle oracle = null;
        OracleServer server = null;
        String oracleTarget = target;
        if (oracleTarget == null) {
            oracle = LeaderOracle.start(loaded, config, new SimpleMeterRegistry());
            server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .directExecutor(), oracle, new SimpleMeterRegistry(), Clock.systemUTC()).start();
            oracleTarget = "127.0.0.1:" + server.port();
            out.println("started an oracle for '" + loaded.name() + "' on " + oracleTarget);
        }
        try (PricingOracleClient client = connection.builder(oracleTarget).build()) {
            DemoRun.Result result = DemoRun.run(loaded, client, settings, out);
            Map<String, Object> json = DemoReport.json(result);
            DemoReport.printTable(result, json, out);
            if (report != null) {
                DemoReport.writeJson(json, report);
                out.println("report: " + report);
            }
            if (chart != null || report != null) {
                Path png = chart != null ? chart
                        : report.resolveSibling(report.getFileName().toString().replaceFirst("\\.json$", "") + ".png");
                DemoChart.write(result, png);
                out.println("chart: " + png);
            }
        } finally {
            out.flush();
            if (server != null) {
                server.stop(Duration.ofSeconds(2));
            }
            if (oracle != null) {
                oracle.close();
            }
        }
        return 0;
    }

    private Optional<DemoRun.CapacityDrop> capacityDrop(Scenario loaded) {
        if ("none".equals(drop)) {
            return Optional.empty();
        }
        String[] parts = (drop == null ? defaultDrop(loaded) : drop).split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("--drop must be NODE:CLASS:FACTOR or none, got '" + drop + "'");
        }
        loaded.node(parts[0]);
        loaded.workloadClass(parts[1]);
        return Optional.of(new DemoRun.CapacityDrop(parts[0], parts[1], Double.parseDouble(parts[2]), dropAt));
    }

    static String defaultDrop(Scenario scenario) {
        boolean dallasImage = scenario.nodes().stream().anyMatch(n -> n.id().equals("dallas"))
                && scenario.classes().stream().anyMatch(k -> k.id().equals("image"));
        if (dallasImage) {
            return "dallas:image:0.5";
        }
        return scenario.nodes().get(0).id() + ":" + scenario.classes().get(0).id() + ":0.5";
    }
}
