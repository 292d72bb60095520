package io.tokenflow.demo;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.OracleService;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code tokenflow demo [--scenario FILE|NAME] [--target HOST:PORT] [--report FILE] [--chart FILE]
 * [--seed N] [--window SECONDS] [--step SECONDS] [--queue SECONDS] [--drop NODE:CLASS:FACTOR] [--drop-at SHARE]
 * [--tls-ca PEM] [--token TOKEN]}.
 * Without {@code --target} it starts an oracle on the scenario itself, on 127.0.0.1 at a free port;
 * with one, the server must serve the same scenario (costs are computed from it here).
 */
public final class DemoMain {
    private DemoMain() {}

    static final String USAGE = """
            Usage: tokenflow demo [--scenario FILE|NAME] [--target HOST:PORT] [--report FILE] [--chart FILE]
                                  [--seed N] [--window SECONDS] [--step SECONDS] [--queue SECONDS]
                                  [--drop NODE:CLASS:FACTOR] [--drop-at SHARE] [--tls-ca PEM] [--token TOKEN]
            Replays a seeded request trace of the scenario against three routers (nearest, static-cheapest,
            oracle), pushes a capacity drop through the oracle's UpdateCapacity mid-run, and compares each
            router's cost, latency share, overloads and rejections with the LP optimum.
              --scenario  embedded name (two-node, five-node, twenty-node) or v1 JSON file; default five-node
              --target    an oracle serving the same scenario; default: start one on 127.0.0.1 (free port)
              --tls-ca    speak TLS to --target, trusting this CA file; --token: send it as a bearer token
                          (a provider's or operator's: the demo pushes a capacity update)
              --report    JSON report file; --chart PNG file (default: the report's name with .png)
              --seed 42  --window 120  --step 1  --queue 5 (a site's queue bound, in seconds of its capacity)
              --drop dallas:image:0.5 (default; else the first node and class at 50 %)  --drop-at 0.5
            """;

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        try {
            System.exit(run(args, System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("tokenflow demo: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else if (a.startsWith("--") && i + 1 < args.length) {
                key = a.substring(2);
                value = args[++i];
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (!java.util.Set.of("scenario", "target", "report", "chart", "seed", "window", "step", "queue", "drop",
                    "drop-at", "tls-ca", "token").contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            opts.put(key, value);
        }
        Scenario scenario = loadScenario(opts.getOrDefault("scenario", EmbeddedScenarios.DEFAULT));
        double step = Double.parseDouble(opts.getOrDefault("step", "1"));
        double window = Double.parseDouble(opts.getOrDefault("window", "120"));
        Simulator.Config sim = new Simulator.Config((int) Math.round(window / step), step,
                Double.parseDouble(opts.getOrDefault("queue", "5")), Long.parseLong(opts.getOrDefault("seed", "42")));
        String[] drop = opts.getOrDefault("drop", defaultDrop(scenario)).split(":");
        if (drop.length != 3) {
            throw new IllegalArgumentException("--drop must be NODE:CLASS:FACTOR, got '" + opts.get("drop") + "'");
        }
        scenario.node(drop[0]);
        scenario.workloadClass(drop[1]);
        OracleConfig config = OracleConfig.builder().build();
        DemoRun.Settings settings = new DemoRun.Settings(sim, drop[0], drop[1], Double.parseDouble(drop[2]),
                Double.parseDouble(opts.getOrDefault("drop-at", "0.5")), config.defaultUnservedPenaltyPerMTokens());

        OracleService oracle = null;
        OracleServer server = null;
        String target = opts.get("target");
        if (target == null) {
            oracle = OracleService.start(scenario, config, new SimpleMeterRegistry());
            server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .directExecutor(), oracle, new SimpleMeterRegistry(), Clock.systemUTC()).start();
            target = "127.0.0.1:" + server.port();
            out.println("started an oracle for '" + scenario.name() + "' on " + target);
        }
        io.tokenflow.client.PricingOracleClientBuilder builder = PricingOracleClient.builder().target(target);
        if (opts.containsKey("tls-ca")) {
            builder.trustedCertificates(Path.of(opts.get("tls-ca")));
        }
        if (opts.containsKey("token")) {
            builder.bearerToken(opts.get("token"));
        }
        try (PricingOracleClient client = builder.build()) {
            DemoRun.Result result = DemoRun.run(scenario, client, settings, out);
            Map<String, Object> report = DemoReport.json(result);
            DemoReport.printTable(result, report, out);
            if (opts.containsKey("report")) {
                Path file = Path.of(opts.get("report"));
                DemoReport.writeJson(report, file);
                out.println("report: " + file);
            }
            if (opts.containsKey("chart") || opts.containsKey("report")) {
                Path chart = Path.of(opts.getOrDefault("chart", opts.get("report").replaceFirst("\\.json$", "") + ".png"));
                DemoReport.writeChart(result, chart);
                out.println("chart: " + chart);
            }
        } finally {
            if (server != null) {
                server.stop(Duration.ofSeconds(2));
            }
            if (oracle != null) {
                oracle.close();
            }
        }
        return 0;
    }

    static Scenario loadScenario(String nameOrFile) throws java.io.IOException {
        if (EmbeddedScenarios.exists(nameOrFile)) {
            return EmbeddedScenarios.get(nameOrFile);
        }
        if (!Path.of(nameOrFile).toFile().exists()) {
            throw new IllegalArgumentException("'" + nameOrFile + "' is neither an embedded scenario ("
                    + String.join(", ", EmbeddedScenarios.names()) + ") nor a file");
        }
        return ScenarioJson.read(Path.of(nameOrFile));
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
