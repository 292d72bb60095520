package io.tokenflow.grpc;

import static io.tokenflow.grpc.HostileValues.unknownFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of every PricingOracle RPC over a real (loopback Netty) transport with serve's limits
 * (4 MiB messages, 10,000 updates a call) and the real LeaderOracle: malformed and extreme numbers, empty,
 * unicode, control-character and 10 MB strings, unknown ids, duplicates, oversized batches, unknown fields
 * and out-of-range versions. No call may end INTERNAL or UNKNOWN, each ends in the codes its case allows
 * with a description naming the field or value, and no rejected call changes the market. Every update case
 * carries at least one bad entry, so the market must stay at version 1 throughout.
 *
 * <p>The cases themselves are built by {@link HostileReads} and {@link HostileUpdates} and judged by
 * {@link HostileChecks}.
 */
class HostileInputTest {
    static final long SEED = 20261125L;
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    static final int MAX_BATCH = 10_000;
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 20));

    private LeaderOracle oracle;
    private OracleServer server;
    private ManagedChannel channel;
    private PricingOracleGrpc.PricingOracleBlockingStub stub;
    private final SplittableRandom random = new SplittableRandom(SEED);
    private HostileChecks checks;
    private HostileReads reads;
    private HostileUpdates updates;
    private GetMarketResponse initial;

    @BeforeEach
    void start() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"),
                OracleConfig.builder().maxBatchSize(MAX_BATCH).build(), meters);
        server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES), oracle, meters, Clock.systemUTC()).start();
        channel = Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        stub = PricingOracleGrpc.newBlockingStub(channel);
        initial = stub.getMarket(GetMarketRequest.getDefaultInstance());
        // one stream of draws for every kind of case, so the seed alone replays the interleaving
        HostileValues hostile = new HostileValues(random);
        checks = new HostileChecks(oracle);
        reads = new HostileReads(stub, hostile, checks);
        updates = new HostileUpdates(stub, hostile, checks);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofMillis(200));
        oracle.close();
    }

    @Test
    void everyRpcSurvivesHostileInputAndRejectedCallsChangeNothing() {
        updates.oversizedBatches();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int total = 0;
        while (System.nanoTime() < deadline && total < 20_000) {
            switch (random.nextInt(11)) {
                case 0 -> reads.originClassCase("Quote", false);
                case 1 -> reads.originClassCase("Route", true);
                case 2 -> reads.originClassCase("FeasibleSites", false);
                case 3 -> reads.watchCase();
                case 4 -> reads.exportCase();
                case 5 -> checks.check("GetMarket", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).getMarket(
                        GetMarketRequest.newBuilder().setUnknownFields(unknownFields(random)).build()), true,
                        Set.of(), List.of());
                case 6 -> updates.updateCase("UpdateCapacity");
                case 7 -> updates.updateCase("UpdateDemand");
                case 8 -> updates.updateCase("UpdateElectricityPrice");
                case 9 -> updates.updateCase("UpdateLinkCapacity");
                default -> reads.priceHistoryCase();
            }
            total++;
            if (total % 200 == 0) {
                GetMarketResponse now = stub.getMarket(GetMarketRequest.getDefaultInstance());
                assertEquals(initial.getCapacitiesList(), now.getCapacitiesList());
                assertEquals(initial.getDemandsList(), now.getDemandsList());
            }
        }
        GetMarketResponse end = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(1, end.getMarketVersion());
        assertEquals(initial.getCapacitiesList(), end.getCapacitiesList());
        assertEquals(initial.getDemandsList(), end.getDemandsList());
        assertEquals(initial.getResult(), end.getResult());
        int all = checks.cases.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("HostileInputTest: seed " + SEED + ", " + all + " cases, 0 crashes; by RPC " + checks.cases
                + "; by status " + checks.codes);
        assertTrue(all >= 1000, "ran only " + all + " cases");
    }
}
