package io.tokenflow.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.MarketRecord;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.UpdateReceipt;
import io.tokenflow.service.journal.UpdateJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Disk cost of the market record ({@code serve --data-dir}) per published version, measured through the
 * real write path: a durable leader (journal + market record in a temporary directory) takes N random
 * single updates (capacity, demand or electricity price, each waited for until cleared), and the record's
 * bytes are divided by the versions. Prints the full record (the first of each segment), the average
 * change record and the cost per version at the default segment length (1024 versions).
 *
 * <p>Run: {@code java -cp ... RecordFootprint MARKET VERSIONS}, MARKET an embedded scenario
 * ({@code twenty-node}) or {@code NxK} for the seeded synthetic network (e.g. {@code 1000x8}).
 */
public final class RecordFootprint {
    private RecordFootprint() {}

    public static void main(String[] args) throws Exception {
        String market = args.length > 0 ? args[0] : "twenty-node";
        int versions = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Scenario scenario = market.matches("\\d+x\\d+")
                ? LargeNetwork.scenario(Integer.parseInt(market.split("x")[0]), Integer.parseInt(market.split("x")[1]))
                : EmbeddedScenarios.get(market);
        Path dir = Files.createTempDirectory("tokenflow-record-footprint");
        // a large re-clear on a busy machine may run long: time is not what is measured here
        OracleConfig config = OracleConfig.builder().clearTimeout(Duration.ofMinutes(5)).build();
        // segments longer than the run: one full record, the rest changes
        MarketRecord.Retention retention = new MarketRecord.Retention(Long.MAX_VALUE / 2, null);
        try {
            UpdateJournal.Recovered recovered = UpdateJournal.recover(dir, scenario);
            MarketRecord record = MarketRecord.open(dir.resolve("record"), retention, Clock.systemUTC());
            UpdateJournal journal = UpdateJournal.open(dir, recovered, 1, 1000);
            long started;
            long full;
            try (LeaderOracle oracle = LeaderOracle.startDurable(recovered.scenario(), config, new SimpleMeterRegistry(),
                    1, 0, journal, record)) {
                full = record.bytes();
                SplittableRandom random = new SplittableRandom(42);
                started = System.nanoTime();
                for (int i = 0; i < versions; i++) {
                    UpdateReceipt r = oracle.submit(List.of(update(oracle.state().snapshot().scenario(), random)));
                    while (oracle.state().version() < r.version()) {
                        try {
                            oracle.whenCleared(r.version()).join();
                        } catch (CompletionException e) {
                            // a failed re-clear is retried by the leader: wait for that one
                            Thread.sleep(100);
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes;
            try (Stream<Path> files = Files.list(dir.resolve("record"))) {
                bytes = files.mapToLong(p -> p.toFile().length()).sum();
            }
            double change = (double) (bytes - full) / versions;
            int perSegment = retention.versions() > 8192 ? 1024 : (int) Math.max(16, retention.versions() / 8);
            System.out.printf(Locale.ROOT, "%s: %d nodes x %d classes, %d links; %d versions, record %,d bytes: full"
                            + " record %,d bytes, change record %,.0f bytes on average, %,.0f bytes per version with"
                            + " %d-version segments; %.1f ms per update (re-clear + journal + record fsyncs)%n",
                    market, scenario.nodes().size(), scenario.classes().size(), scenario.links().size(), versions + 1,
                    bytes, full, change, (full + change * (perSegment - 1)) / perSegment, perSegment,
                    seconds * 1000 / versions);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A random capacity (0.5 to 1.5 times), demand (0.5 to 1.5 times) or electricity price update. */
    private static MarketUpdate update(Scenario s, SplittableRandom random) {
        int kind = random.nextInt(3);
        if (kind == 0 || s.demand().isEmpty()) {
            ComputeNode n = s.nodes().get(random.nextInt(s.nodes().size()));
            WorkloadClass k = s.classes().get(random.nextInt(s.classes().size()));
            double now = n.capacityOf(k.id());
            return new MarketUpdate.CapacityUpdate(n.id(), k.id(), (now > 0 ? now : 1000) * (0.5 + random.nextDouble()));
        }
        if (kind == 1) {
            Demand d = s.demand().get(random.nextInt(s.demand().size()));
            return new MarketUpdate.DemandUpdate(d.origin(), d.classId(), d.tokensPerSecond() * (0.5 + random.nextDouble()));
        }
        ComputeNode n = s.nodes().get(random.nextInt(s.nodes().size()));
        return new MarketUpdate.ElectricityPriceUpdate(n.id(), n.electricityPricePerKwh() * (0.5 + random.nextDouble()));
    }
}
