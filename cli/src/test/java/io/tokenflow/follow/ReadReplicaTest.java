package io.tokenflow.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.ReplicaOracle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A read replica following an in-process leader: same versions, same answers, refused updates, staleness. */
class ReadReplicaTest {
    private static final String LEADER = "leader.example:50051";
    /**
     * five-node with chat within 15 ms and code within 20 ms end to end: chat and code are cleared on origin
     * paths (column generation), image and batch on arcs, so the replica must carry both kinds of split.
     */
    private final Scenario scenario = EmbeddedScenarios.get("five-node", ScenarioOptions.defaults()
            .withMaxLatency("chat", 15).withMaxLatency("code", 20).withLatencyScope(LatencyScope.END_TO_END));
    private final String leaderName = InProcessServerBuilder.generateName();
    private LeaderOracle leader;
    private OracleServer leaderServer;
    private ReplicaOracle replica;
    private OracleServer replicaServer;
    private String replicaServerName;
    private LeaderFollower follower;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private PricingOracleGrpc.PricingOracleBlockingStub toLeader;
    private PricingOracleGrpc.PricingOracleBlockingStub toReplica;
    private HealthGrpc.HealthBlockingStub replicaHealth;

    @BeforeEach
    void start() throws Exception {
        leader = LeaderOracle.start(scenario, OracleConfig.builder().build(), new SimpleMeterRegistry());
        leaderServer = startLeaderServer();
        replica = ReplicaOracle.following(OracleConfig.builder().build(), new SimpleMeterRegistry(), LEADER);
        String replicaName = InProcessServerBuilder.generateName();
        replicaServerName = replicaName;
        replicaServer = new OracleServer(InProcessServerBuilder.forName(replicaName).directExecutor(), replica,
                new SimpleMeterRegistry(), Clock.systemUTC()).start();
        toLeader = PricingOracleGrpc.newBlockingStub(channel(leaderName)).withDeadlineAfter(30, TimeUnit.SECONDS);
        ManagedChannel r = channel(replicaName);
        toReplica = PricingOracleGrpc.newBlockingStub(r).withDeadlineAfter(30, TimeUnit.SECONDS);
        replicaHealth = HealthGrpc.newBlockingStub(r);
    }

    private OracleServer startLeaderServer() throws Exception {
        return new OracleServer(InProcessServerBuilder.forName(leaderName).directExecutor(), leader,
                new SimpleMeterRegistry(), Clock.systemUTC()).start();
    }

    private ManagedChannel channel(String name) {
        ManagedChannel c = InProcessChannelBuilder.forName(name).build();
        channels.add(c);
        return c;
    }

    private void follow() {
        follower = LeaderFollower.start(PricingOracleClient.builder().channel(channel(leaderName)), LEADER, replica,
                Duration.ofMillis(20), Duration.ofMillis(100));
    }

    @AfterEach
    void stop() throws Exception {
        if (follower != null) {
            follower.close();
        }
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        replicaServer.stop(Duration.ofSeconds(1));
        leaderServer.stop(Duration.ofSeconds(1));
        replica.close();
        leader.close();
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private long replicaVersion() {
        return replica.ready() ? replica.state().version() : 0;
    }

    private ServingStatus health() {
        return replicaHealth.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
    }

    /** Every read of every origin x class (and a few route ids) answers the same on both. */
    private void assertSameAnswers() {
        GetMarketResponse l = toLeader.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(l, toReplica.getMarket(GetMarketRequest.getDefaultInstance()));
        for (ComputeNode node : scenario.nodes()) {
            for (WorkloadClass cls : scenario.classes()) {
                QuoteRequest q = QuoteRequest.newBuilder().setOrigin(node.id()).setWorkloadClass(cls.id()).build();
                assertEquals(toLeader.quote(q), toReplica.quote(q), q.toString());
                FeasibleSitesRequest f = FeasibleSitesRequest.newBuilder().setOrigin(node.id())
                        .setWorkloadClass(cls.id()).build();
                assertEquals(toLeader.feasibleSites(f), toReplica.feasibleSites(f), f.toString());
                for (int i = 0; i < 8; i++) {
                    RouteRequest r = RouteRequest.newBuilder().setOrigin(node.id()).setWorkloadClass(cls.id())
                            .setRequestId("req-" + i).build();
                    assertEquals(toLeader.route(r), toReplica.route(r), r.toString());
                }
                RouteRequest excluding = RouteRequest.newBuilder().setOrigin(node.id()).setWorkloadClass(cls.id())
                        .setRequestId("x").addExcludeNodes(node.id()).build();
                assertEquals(outcome(() -> toLeader.route(excluding)), outcome(() -> toReplica.route(excluding)));
            }
        }
        ExportSettlementRequest current = ExportSettlementRequest.newBuilder()
                .setFromVersion(l.getMarketVersion()).setToVersion(l.getMarketVersion()).build();
        List<SettlementRecord> a = new ArrayList<>();
        toLeader.exportSettlement(current).forEachRemaining(a::add);
        List<SettlementRecord> b = new ArrayList<>();
        toReplica.exportSettlement(current).forEachRemaining(b::add);
        assertEquals(a, b, "the settlement of the current version");
    }

    private static String outcome(java.util.function.Supplier<?> call) {
        try {
            return call.get().toString();
        } catch (StatusRuntimeException e) {
            return e.getStatus().toString();
        }
    }

    private long updateDemand(double tokensPerSecond) {
        return toLeader.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true)
                .addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                        .setTokensPerSecond(tokensPerSecond)).build()).getMarketVersion();
    }

    @Test
    void beforeItsFirstVersionTheReplicaIsNotServingAndReadsAreUnavailable() {
        assertEquals(ServingStatus.NOT_SERVING, health());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> toReplica.quote(QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(LEADER), e.getStatus().getDescription());
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                () -> toReplica.getMarket(GetMarketRequest.getDefaultInstance())).getStatus().getCode());
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                () -> toReplica.priceHistory(io.tokenflow.api.v1.PriceHistoryRequest.newBuilder().setOrigin("dallas")
                        .setWorkloadClass("chat").build())).getStatus().getCode());
    }

    @Test
    void theReplicaAdoptsEveryLeaderVersionAndAnswersTheSame() throws Exception {
        follow();
        await("the first version", () -> replicaVersion() == 1);
        // health follows the version through a state listener: a moment after it
        await("health SERVING", () -> health() == ServingStatus.SERVING);
        assertSameAnswers();
        for (double demand : new double[] {5000, 12000, 800}) {
            long version = updateDemand(demand);
            await("version " + version, () -> replicaVersion() == version);
            assertSameAnswers();
        }
        // the replica's price history holds each adopted version at the leader's price, made by "leader"
        var ask = io.tokenflow.api.v1.PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                .build();
        var onLeader = toLeader.priceHistory(ask);
        var onReplica = toReplica.priceHistory(ask);
        assertEquals(List.of(1L, 2L, 3L, 4L), onReplica.getPointsList().stream()
                .map(io.tokenflow.api.v1.PricePoint::getMarketVersion).toList());
        assertEquals(1, onReplica.getOldestRetainedVersion());
        for (int i = 0; i < 4; i++) {
            var l = onLeader.getPoints(i);
            var r = onReplica.getPoints(i);
            assertEquals(l.getMarketVersion(), r.getMarketVersion());
            assertEquals(l.getPricePerMTokens(), r.getPricePerMTokens());
            assertEquals(l.getServingNode(), r.getServingNode());
            assertEquals("leader", r.getCause());
            assertEquals(List.of(io.tokenflow.api.v1.PriceCause.newBuilder().setKind("leader").build()),
                    r.getCausesList());
        }
        assertEquals("demand", onLeader.getPoints(3).getCauses(0).getKind(), "the leader knows the update");
        // the watch stream of the replica carries the same versions
        assertEquals(toLeader.watchPrices(io.tokenflow.api.v1.WatchRequest.getDefaultInstance()).next(),
                toReplica.watchPrices(io.tokenflow.api.v1.WatchRequest.getDefaultInstance()).next());
    }

    @Test
    void updatesAreRefusedNamingTheLeader() throws Exception {
        follow();
        await("the first version", () -> replicaVersion() == 1);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> toReplica.updateDemand(
                UpdateDemandRequest.newBuilder().addUpdates(DemandUpdate.newBuilder().setOrigin("dallas")
                        .setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("this oracle is a read replica of " + LEADER + "; send updates to the leader",
                e.getStatus().getDescription());
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
                () -> toReplica.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(
                        io.tokenflow.api.v1.CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("chat")
                                .setTokensPerSecond(1)).build())).getStatus().getCode());
    }

    @Test
    void withoutItsLeaderTheReplicaAnswersStaleAndCatchesUpWhenItReturns() throws Exception {
        follow();
        long v2 = updateDemand(7000);
        await("version " + v2, () -> replicaVersion() == v2);
        leaderServer.stop(Duration.ofSeconds(1));
        await("staleness", () -> replica.state().stale());
        QuoteRequest dallasChat = QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build();
        QuoteResponse stale = toReplica.quote(dallasChat);
        assertTrue(stale.getStale());
        assertEquals(v2, stale.getMarketVersion());
        assertTrue(stale.hasAge(), "a stale answer says how old it is");
        long firstAgeNanos = stale.getAge().getSeconds() * 1_000_000_000L + stale.getAge().getNanos();
        await("the age to grow", () -> {
            QuoteResponse later = toReplica.quote(dallasChat);
            return later.getAge().getSeconds() * 1_000_000_000L + later.getAge().getNanos() > firstAgeNanos;
        });
        assertEquals(ServingStatus.SERVING, health(), "stale answers are still answers");
        assertTrue(replica.state().staleness().orElseThrow().reason().contains(LEADER));

        // the leader moves on while the replica cannot see it, then comes back
        long v3 = leader.submit(List.of(new io.tokenflow.market.model.MarketUpdate.DemandUpdate("dallas", "chat",
                9000))).version();
        leader.whenCleared(v3).get(20, TimeUnit.SECONDS);
        leaderServer = startLeaderServer();
        await("version " + v3 + " fresh", () -> replicaVersion() == v3 && !replica.state().stale());
        assertFalse(toReplica.quote(QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build())
                .getStale());
        assertSameAnswers();
    }

    @Test
    void whenTheLeaderReturnsAtTheSameVersionTheReplicasWatchStreamSaysFreshAgain() throws Exception {
        follow();
        long v2 = updateDemand(7000);
        await("version " + v2, () -> replicaVersion() == v2 && !replica.state().stale());
        String replicaName = replicaServerName;
        List<String> tables = java.util.Collections.synchronizedList(new ArrayList<>());
        PricingOracleClient watcher = PricingOracleClient.builder().channel(channel(replicaName))
                .tableListener(new io.tokenflow.client.TableListener() {
                    @Override
                    public void tableArrived(long marketVersion, boolean stale) {
                        tables.add(marketVersion + (stale ? " stale" : " fresh"));
                    }

                    @Override
                    public void streamLost(String why) {}
                }).build();
        try {
            await("the replica's table", () -> tables.contains(v2 + " fresh"));
            leaderServer.stop(Duration.ofSeconds(1));
            await("a stale table on the replica's stream", () -> tables.contains(v2 + " stale"));
            leaderServer = startLeaderServer(); // nothing cleared meanwhile: the same version
            await("a fresh table again", () -> tables.lastIndexOf(v2 + " fresh") > tables.indexOf(v2 + " stale"));
            assertFalse(replica.state().stale());
            assertFalse(watcher.quote("dallas", "chat").stale(), "the SDK's local table is fresh too");
            assertEquals(v2, watcher.quote("dallas", "chat").marketVersion());
        } finally {
            watcher.close();
        }
    }
}
