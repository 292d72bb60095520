package io.tokenflow.cli;

import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.PricingOracleClientBuilder;
import io.tokenflow.follow.LeaderFollower;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenflow.grpc.ConnectionCap;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.MarketRecord;
import io.tokenflow.service.MarketState;
import io.tokenflow.service.Oracle;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.ReplicaOracle;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tokenflow serve}: runs the pricing oracle on a scenario until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gRPC pricing oracle: clear the scenario, answer Quote, Route, FeasibleSites, "
                + "WatchPrices, GetMarket, ExportSettlement and PriceHistory, and re-clear on every update.",
            "Every must-serve class gets --unserved-penalty, so over-demand caps prices instead of failing."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MarketOptions marketOptions;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address the gRPC server listens on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--max-streams-per-connection", defaultValue = "256", paramLabel = "N",
            description = "Calls open at once on one connection (each stalled stream holds about 44 KB); further "
                    + "calls wait for one to end (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerConnection;

    @Option(names = "--max-connections", defaultValue = "1000", paramLabel = "N",
            description = "Client connections open at once; one accepted beyond it is closed at once (its client "
                    + "gets UNAVAILABLE and retries), counted in tokenflow_connections_refused_total "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--metrics-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address /metrics listens on; it has no authentication, so it stays on loopback unless "
                    + "given, e.g. 0.0.0.0 for a cluster's Prometheus (default: ${DEFAULT-VALUE}).")
    String metricsBind;

    @Option(names = "--port", defaultValue = "50051", paramLabel = "PORT", description = "gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9464", paramLabel = "PORT",
            description = "Prometheus /metrics port; 0 picks a free one, -1 turns metrics off (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--unserved-penalty", defaultValue = "1000", paramLabel = "$/M_TOKENS",
            description = "Penalty ρ for unserved tokens of classes without one: the price cap (default: ${DEFAULT-VALUE}).")
    double unservedPenalty;

    @Option(names = "--clear-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A re-clear running longer fails and answers turn stale, e.g. 500ms, 10s (default: ${DEFAULT-VALUE}).")
    Duration clearTimeout;

    @Option(names = "--settlement-history", paramLabel = "VERSIONS",
            description = "Without --data-dir: cleared versions whose settlement stays exportable, in memory"
                    + " (default: 4096). With --data-dir the market record answers exports (--record-versions).")
    Integer settlementHistory;

    @Option(names = "--price-history", paramLabel = "VERSIONS",
            description = "Cleared versions whose prices and causes PriceHistory answers from memory; each costs"
                    + " about 56 bytes per origin x class whose price it moved (default: 4096; with --data-dir 256,"
                    + " older versions being read from the market record).")
    Integer priceHistory;

    @Option(names = "--max-batch", defaultValue = "10000", paramLabel = "UPDATES",
            description = "Most updates one update call may carry (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-message-bytes", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Largest request message accepted (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Mixin
    SecurityOptions security;

    @Option(names = "--grace", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM, how long calls in flight may finish (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the market in DIR: every update is journaled and fsynced before it is acknowledged,"
                    + " and a restart recovers it (--scenario only seeds a new DIR). Default: in memory only.")
    java.nio.file.Path dataDir;

    @Option(names = "--accept-journal-loss",
            description = "With --data-dir: start even though acknowledged journal records are missing or damaged, or"
                    + " the commit marker is missing, damaged or older than the journal (each loss logged as an ERROR;"
                    + " new versions numbered above every version promised or recorded). Pass it once, after reading"
                    + " the refusal (docs/operations.md, Recovering the leader).")
    boolean acceptJournalLoss;

    @Option(names = "--snapshot-every", defaultValue = "1000", paramLabel = "RECORDS",
            description = "With --data-dir: snapshot and compact the journal every RECORDS update calls (default: ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(names = "--record-versions", defaultValue = "" + RECORD_VERSIONS, paramLabel = "VERSIONS",
            description = "With --data-dir: keep the settlement and prices of the last VERSIONS versions in DIR/record,"
                    + " for ExportSettlement and PriceHistory (disk per version: docs/operations.md) (default:"
                    + " ${DEFAULT-VALUE}).")
    long recordVersions;

    @Option(names = "--record-age", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "With --data-dir: also drop recorded versions cleared longer ago than DURATION, e.g. 90d"
                    + " (default: no age limit).")
    Duration recordAge;

    /** --record-versions' default. */
    static final long RECORD_VERSIONS = 100_000;

    @Option(names = "--follow", paramLabel = "HOST:PORT",
            description = "Run as a read replica of the leader at HOST:PORT: answer reads from a copy of its versions"
                    + " (kept through WatchPrices and GetMarket), refuse updates. Excludes --data-dir and the market"
                    + " and update options.")
    String follow;

    @Option(names = "--leader-tls-ca", paramLabel = "PEM",
            description = "With --follow: connect to the leader over TLS trusting this CA (default: plaintext).")
    java.nio.file.Path leaderTlsCa;

    @Option(names = "--leader-token", paramLabel = "TOKEN",
            description = "With --follow: bearer token sent to the leader.")
    String leaderToken;

    @Option(names = "--leader-timeout", defaultValue = "3s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "With --follow: answers turn stale at most about this long after"
                    + " the leader stops answering (gone, cut off or frozen): its health is probed every third of it"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration leaderTimeout;

    /** Options that make no sense on a read replica (it has no market of its own and takes no updates). */
    private static final List<String> LEADER_ONLY = List.of("--data-dir", "--snapshot-every", "--scenario",
            "--solver", "--unserved-penalty", "--clear-timeout", "--max-batch", "--record-versions", "--record-age",
            "--accept-journal-loss");

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var parsed = spec.commandLine().getParseResult();
        if (follow == null) {
            for (String o : List.of("--leader-tls-ca", "--leader-token", "--leader-timeout")) {
                if (parsed.hasMatchedOption(o)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), o + " needs --follow");
                }
            }
        } else {
            for (String o : LEADER_ONLY) {
                if (parsed.hasMatchedOption(o)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "--follow cannot be combined with " + o + " (a read replica takes its market from the"
                                    + " leader)");
                }
            }
            if (!follow.matches("[^\\s]+:\\d{1,5}")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--follow wants HOST:PORT, got '" + follow + "'");
            }
            if (leaderTimeout.toMillis() < 30) {
                throw new IllegalArgumentException("--leader-timeout must be at least 30ms, got " + leaderTimeout);
            }
        }
        if (maxStreamsPerConnection < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-streams-per-connection must be >= 1, got " + maxStreamsPerConnection);
        }
        if (maxConnections < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-connections must be >= 1, got " + maxConnections);
        }
        if (dataDir == null) {
            for (String o : List.of("--record-versions", "--record-age", "--accept-journal-loss")) {
                if (parsed.hasMatchedOption(o)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), o + " needs --data-dir");
                }
            }
        } else if (settlementHistory != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--settlement-history bounds the"
                    + " in-memory history without --data-dir; with --data-dir every export reads the market record,"
                    + " kept by --record-versions and --record-age");
        }
        int prices = priceHistory != null ? priceHistory : dataDir != null ? 256 : 4096;
        if (prices < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--price-history must be >= 1 version, got " + prices);
        }
        MarketRecord.Retention retention;
        try {
            retention = new MarketRecord.Retention(recordVersions, recordAge);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--record-versions/--record-age: "
                    + e.getMessage());
        }
        Scenario loaded = follow == null ? marketOptions.load() : null;
        OracleConfig config = OracleConfig.builder()
                .solverKind(marketOptions.solver)
                .defaultUnservedPenaltyPerMTokens(unservedPenalty)
                .clearTimeout(clearTimeout)
                .settlementHistory(settlementHistory != null ? settlementHistory : 4096)
                .priceHistory(prices)
                .maxBatchSize(maxBatch)
                .build();
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("--max-message-bytes must be >= 1024, got " + maxMessageBytes);
        }
        List<ServerInterceptor> access = security.interceptors(bind);
        security.plaintextTokenWarning(bind).ifPresent(w -> {
            spec.commandLine().getErr().println(w);
            spec.commandLine().getErr().flush();
        });
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);

        ReplicaOracle replica = follow == null ? null : ReplicaOracle.following(config, meters, follow);
        Oracle oracle = replica != null ? replica
                : dataDir == null ? LeaderOracle.start(loaded, config, meters)
                : DurableStart.start(dataDir, snapshotEvery, retention, acceptJournalLoss, loaded, config, meters,
                        out);
        // handlers never block (waits are futures), so they run on the transport threads
        ConnectionCap connections = new ConnectionCap(maxConnections, meters);
        OracleServer server = new OracleServer(connections.applyTo(
                NettyServerBuilder.forAddress(new InetSocketAddress(bind, port), security.serverCredentials()))
                        .directExecutor()
                        .maxInboundMessageSize(maxMessageBytes)
                        .maxConcurrentCallsPerConnection(maxStreamsPerConnection),
                oracle, meters, Clock.systemUTC(), access);
        try {
            server.start();
        } catch (java.io.IOException e) {
            connections.close();
            oracle.close();
            throw new java.io.IOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        MetricsEndpoint metrics = metricsPort < 0 ? null : new MetricsEndpoint(meters, metricsBind, metricsPort);

        LeaderFollower follower = null;
        if (replica != null) {
            follower = LeaderFollower.start(leaderClient().livenessProbe(leaderTimeout.dividedBy(3),
                    leaderTimeout.dividedBy(3).multipliedBy(2)), follow, replica, Duration.ofMillis(200),
                    Duration.ofSeconds(5));
            out.printf(Locale.ROOT, "tokenflow serve: read replica following %s (health NOT_SERVING until its first"
                    + " version)%n", follow);
        } else {
            MarketState first = oracle.state();
            out.printf(Locale.ROOT, "tokenflow serve: market '%s' version %d cleared, cost $%,.2f/hr%n",
                    first.snapshot().scenario().name(), first.version(),
                    first.snapshot().result().objectivePerHour().orElse(Double.NaN));
        }
        LeaderFollower following = follower;
        out.printf(Locale.ROOT, "tokenflow serve: listening on %s:%d (tokenflow.v1.PricingOracle, grpc.health.v1, "
                + "reflection)%s%n", bind, server.port(), security.describe());
        if (metrics != null) {
            out.printf(Locale.ROOT, "tokenflow serve: metrics on http://%s:%d/metrics%n", metricsBind, metrics.port());
        }
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                server.stop(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                connections.close();
                if (following != null) {
                    following.close();
                }
                oracle.close();
                if (metrics != null) {
                    metrics.close();
                }
                System.err.println("tokenflow serve: stopped");
                stopped.countDown();
            }
        }, "tokenflow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.blockUntilShutdown();
        stopped.await();
        return 0;
    }

    /** Reads 500ms, 10s, 2m, 1h, 90d or an ISO-8601 duration (PT10S). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                }
                if (v.endsWith("h")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                }
                if (v.endsWith("d")) {
                    return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (use e.g. 500ms, 10s, 2m, 1h, 90d or PT10S)");
            }
        }
    }

    /** The SDK client of the leader: plaintext, or TLS trusting --leader-tls-ca; --leader-token when given. */
    private PricingOracleClientBuilder leaderClient() {
        PricingOracleClientBuilder builder = PricingOracleClient.builder().target(follow);
        if (leaderTlsCa != null) {
            builder.trustedCertificates(leaderTlsCa);
        }
        if (leaderToken != null) {
            if (leaderToken.isBlank()) {
                throw new IllegalArgumentException("--leader-token must not be empty");
            }
            builder.bearerToken(leaderToken);
        }
        return builder;
    }
}
