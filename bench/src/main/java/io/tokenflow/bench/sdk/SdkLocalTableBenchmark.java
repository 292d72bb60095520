package io.tokenflow.bench.sdk;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.client.AnswerSource;
import io.tokenflow.client.OracleQuote;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client SDK's local answers on the 20-node table: {@code quote} and {@code route} from the table
 * kept by WatchPrices, with the oracle served in-process (the embedded {@code twenty-node} scenario) over
 * an in-process channel. Each call takes the next origin x class (and, for route, the next of 1,024
 * request ids), so it is not one cached line. Goals: quote median ≤ 1 µs, route ≤ 2 µs. Baselines in the
 * same run: a plain {@code HashMap} lookup of a prebuilt quote record (the floor for any local answer),
 * and a remote Quote over the same in-process channel (what the table saves).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SdkLocalTableBenchmark {
    @Param({"twenty-node"})
    public String scenario;

    private LeaderOracle oracle;
    private OracleServer server;
    private ManagedChannel channel;
    private PricingOracleClient local;
    private PricingOracleClient remote;
    private String[] origins;
    private String[] classes;
    private String[] keys;
    private final String[] requestIds = new String[1024];
    private final Map<String, OracleQuote> plainMap = new HashMap<>();

    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get(scenario), OracleConfig.builder().build(), meters);
        String name = InProcessServerBuilder.generateName();
        server = new OracleServer(InProcessServerBuilder.forName(name), oracle, meters, Clock.systemUTC()).start();
        channel = InProcessChannelBuilder.forName(name).build();
        // the oracle sends a table only on change: a long max age keeps this quiet market's table fresh
        local = PricingOracleClient.builder().channel(channel).maxTableAge(Duration.ofHours(1)).build();
        remote = PricingOracleClient.builder().channel(channel).watch(false).build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!local.tableStatus().fresh()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no fresh table after 30 s");
            }
            Thread.sleep(10);
        }
        List<OracleQuote> prices = remote.market().prices();
        origins = prices.stream().map(OracleQuote::origin).toArray(String[]::new);
        classes = prices.stream().map(OracleQuote::workloadClass).toArray(String[]::new);
        keys = new String[prices.size()];
        for (int i = 0; i < prices.size(); i++) {
            keys[i] = origins[i] + "/" + classes[i];
            plainMap.put(keys[i], prices.get(i));
            if (local.quote(origins[i], classes[i]).source() != AnswerSource.LOCAL_TABLE) {
                throw new IllegalStateException("not a local answer: " + keys[i]);
            }
        }
        for (int i = 0; i < requestIds.length; i++) {
            requestIds[i] = "req-" + i + "-" + Integer.toHexString(i * 0x9E3779B9);
        }
        System.out.println("# " + scenario + ": " + prices.size() + " origin x class pairs, table version "
                + local.tableStatus().version().orElseThrow());
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (local.tableStatus().version().isEmpty() || !local.tableStatus().fresh()) {
            throw new IllegalStateException("the table went stale during the run: " + local.tableStatus());
        }
        local.close();
        remote.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofMillis(200));
        oracle.close();
    }

    @Benchmark
    public OracleQuote localQuote(Cursor c) {
        int i = (c.next++ & 0x7fffffff) % origins.length;
        return local.quote(origins[i], classes[i]);
    }

    @Benchmark
    public OracleRoute localRoute(Cursor c) {
        int n = c.next++ & 0x7fffffff;
        int i = n % origins.length;
        return local.route(origins[i], classes[i], requestIds[n & 1023]);
    }

    @Benchmark
    public OracleQuote baselineHashMapLookup(Cursor c) {
        int i = (c.next++ & 0x7fffffff) % keys.length;
        return plainMap.get(keys[i]);
    }

    @Benchmark
    public OracleQuote baselineRemoteQuoteInProcess(Cursor c) {
        int i = (c.next++ & 0x7fffffff) % origins.length;
        return remote.quote(origins[i], classes[i]);
    }
}
