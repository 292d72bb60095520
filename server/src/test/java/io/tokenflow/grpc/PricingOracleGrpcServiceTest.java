package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.FeasibleSitesResponse;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceCause;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PricePoint;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteReason;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.UnservedHint;
import io.tokenflow.api.v1.ServingSplit;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.Site;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.ControllableEngine;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every RPC of tokenflow.v1.PricingOracle and every error status, over an in-process channel. */
class PricingOracleGrpcServiceTest {
    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    private LeaderOracle oracle;
    private OracleServer server;
    private ManagedChannel channel;
    private PricingOracleGrpc.PricingOracleBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"),
                OracleConfig.builder().retryDelay(Duration.ofMillis(20)).maxBatchSize(5).build(), meters,
                ControllableEngine.factory(engine));
        String name = InProcessServerBuilder.generateName();
        server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle, meters,
                Clock.systemUTC()).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(1));
        oracle.close();
    }

    private QuoteResponse quote(String origin, String cls) {
        return stub.quote(QuoteRequest.newBuilder().setOrigin(origin).setWorkloadClass(cls).build());
    }

    private static void assertStatus(Status.Code code, String message, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(message, e.getStatus().getDescription());
    }

    @Test
    void quotesEqualAnIndependentClearOfTheSameScenario() throws Exception {
        // what `tokenflow clear --format json` prints: a fresh clearing written as the clearing-result format
        JsonNode cleared = new ObjectMapper().readTree(ClearingResultJson.write(
                MarketClearing.clearOnce(EmbeddedScenarios.get("five-node"), SolverKind.GLOP)));
        int quoted = 0;
        for (JsonNode p : cleared.get("prices")) {
            QuoteResponse q = quote(p.get("node").asText(), p.get("class").asText());
            assertEquals(p.get("price").asDouble(), q.getPricePerMTokens(), 1e-9, p.toString());
            assertEquals(q.getPricePerMTokens(), q.getEnergy() + q.getScarcity() + q.getRouting() + q.getCongestion()
                    + q.getUnservedPenalty(), 1e-9, "eq. 9 terms add up");
            assertEquals(q.getOrigin(), q.getPath(0));
            assertEquals(q.getServingNode(), q.getPath(q.getPathCount() - 1));
            assertEquals(1, q.getMarketVersion());
            assertFalse(q.getStale());
            assertFalse(q.hasAge(), "age comes only with stale answers");
            assertTrue(q.getClearedAt().getSeconds() > 0);
            quoted++;
        }
        assertEquals(20, quoted, "five nodes x four classes");
    }

    @Test
    void quoteErrorsNameTheFieldOrId() {
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> quote("atlantis", "chat"));
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> quote("dallas", "video"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "origin must not be empty", () -> quote("", "chat"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "workload_class must not be empty", () -> quote("dallas", ""));
    }

    @Test
    void routeFollowsTheSplitAndFailsOverToTheCheapestRemainingSite() {
        RouteResponse r = stub.route(RouteRequest.newBuilder().setOrigin("silicon-valley").setWorkloadClass("image")
                .setRequestId("req-1").build());
        QuoteResponse q = quote("silicon-valley", "image");
        assertEquals(RouteReason.ROUTE_REASON_CLEARED_SPLIT, r.getReason());
        assertEquals(q.getPricePerMTokens(), r.getPricePerMTokens());
        assertEquals(q.getPricePerMTokens(), r.getDeliveredCostPerMTokens(), 1e-9, "split sites deliver at the price");
        assertTrue(r.getClearedShare() > 0 && r.getClearedShare() <= 1);
        assertEquals("silicon-valley", r.getPath(0));
        assertEquals(1, r.getMarketVersion());

        RouteResponse failover = stub.route(RouteRequest.newBuilder().setOrigin("silicon-valley")
                .setWorkloadClass("image").setRequestId("req-1").addExcludeNodes(r.getServingNode()).build());
        assertEquals(RouteReason.ROUTE_REASON_CHEAPEST_REMAINING, failover.getReason());
        assertNotEquals(r.getServingNode(), failover.getServingNode());
        FeasibleSitesResponse sites = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("silicon-valley")
                .setWorkloadClass("image").build());
        // the cheapest remaining site that the cleared market leaves room in
        Site expected = sites.getSitesList().stream().filter(s -> !s.getNode().equals(r.getServingNode()))
                .filter(s -> s.getSpareTokensPerSecond() > 0.1).findFirst().orElseThrow();
        assertEquals(expected.getNode(), failover.getServingNode());
        assertEquals(expected.getLatencyMs(), failover.getLatencyMs());
        assertEquals(UnservedHint.UNSERVED_HINT_UNSPECIFIED, failover.getUnservedHint());
        assertEquals(0, failover.getUnservedShare());

        assertStatus(Status.Code.INVALID_ARGUMENT, "request_id must not be empty", () -> stub.route(
                RouteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> stub.route(RouteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").setRequestId("x").addExcludeNodes("atlantis").build()));
        RouteRequest.Builder everything = RouteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                .setRequestId("x");
        List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle").forEach(everything::addExcludeNodes);
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> stub.route(everything.build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, none.getStatus().getCode());
        assertTrue(none.getStatus().getDescription().startsWith("no feasible site for origin 'dallas' class 'chat'"));
    }

    @Test
    void feasibleSitesAreSortedAndTheCheapestDeliversAtTheQuote() {
        FeasibleSitesResponse sites = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("chicago")
                .setWorkloadClass("batch").build());
        assertTrue(sites.getSitesCount() >= 2);
        for (int i = 1; i < sites.getSitesCount(); i++) {
            assertTrue(sites.getSites(i - 1).getDeliveredCostPerMTokens() <= sites.getSites(i).getDeliveredCostPerMTokens());
        }
        for (Site s : sites.getSitesList()) {
            assertEquals(s.getDeliveredCostPerMTokens(), s.getSitePricePerMTokens() + s.getRouting() + s.getCongestion(),
                    1e-12);
            assertEquals(s.getSitePricePerMTokens(), s.getEnergy() + s.getScarcity(), 1e-12);
            assertTrue(s.getEnergy() > 0 && s.getScarcity() >= 0, s.toString());
        }
        QuoteResponse quote = quote("chicago", "batch");
        assertEquals(quote.getPricePerMTokens(), sites.getSites(0).getDeliveredCostPerMTokens(), 1e-9);
        Site serving = sites.getSitesList().stream().filter(s -> s.getNode().equals(quote.getServingNode()))
                .findFirst().orElseThrow();
        assertEquals(quote.getEnergy(), serving.getEnergy(), 1e-12);
        assertEquals(quote.getScarcity(), serving.getScarcity(), 1e-12);
        assertEquals(1.0, sites.getSitesList().stream().mapToDouble(Site::getClearedShare).sum(), 1e-9);
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> stub.feasibleSites(
                FeasibleSitesRequest.newBuilder().setOrigin("chicago").setWorkloadClass("video").build()));
    }

    @Test
    void aCapacityDropWithWaitForClearMovesThePrice() {
        QuoteResponse before = quote("ashburn", "code");
        UpdateCapacityResponse r = stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("code")
                        .setTokensPerSecond(1_000_000)).build());
        assertEquals(2, r.getMarketVersion());
        assertTrue(r.getCleared());
        QuoteResponse after = quote("ashburn", "code");
        assertEquals(2, after.getMarketVersion());
        assertTrue(after.getPricePerMTokens() > before.getPricePerMTokens(),
                before.getPricePerMTokens() + " -> " + after.getPricePerMTokens());
        GetMarketResponse market = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(1_000_000, market.getCapacitiesList().stream()
                .filter(c -> c.getNode().equals("dallas") && c.getWorkloadClass().equals("code")).findFirst()
                .orElseThrow().getTokensPerSecond());
    }

    private static void assertPricedAsQuoted(QuoteResponse q, PricePoint p) {
        assertEquals(q.getMarketVersion(), p.getMarketVersion());
        assertEquals(q.getClearedAt(), p.getClearedAt());
        assertEquals(q.getPricePerMTokens(), p.getPricePerMTokens());
        assertEquals(q.getEnergy(), p.getEnergy());
        assertEquals(q.getScarcity(), p.getScarcity());
        assertEquals(q.getRouting(), p.getRouting());
        assertEquals(q.getCongestion(), p.getCongestion());
        assertEquals(q.getUnservedPenalty(), p.getUnservedPenalty());
        assertEquals(q.getServingNode(), p.getServingNode());
    }

    private PriceHistoryResponse priceHistory(String origin, String cls) {
        return stub.priceHistory(PriceHistoryRequest.newBuilder().setOrigin(origin).setWorkloadClass(cls).build());
    }

    @Test
    void priceHistoryAnswersEachVersionAsQuoteDidWithWhatMadeIt() {
        double capacityBefore = stub.getMarket(GetMarketRequest.getDefaultInstance()).getCapacitiesList().stream()
                .filter(c -> c.getNode().equals("dallas") && c.getWorkloadClass().equals("code")).findFirst()
                .orElseThrow().getTokensPerSecond();
        QuoteResponse first = quote("ashburn", "code");
        stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("dallas").setWorkloadClass("code").setTokensPerSecond(1_000_000)).build());
        QuoteResponse second = quote("ashburn", "code");
        assertNotEquals(first.getPricePerMTokens(), second.getPricePerMTokens());

        PriceHistoryResponse history = priceHistory("ashburn", "code");
        assertEquals("ashburn", history.getOrigin());
        assertEquals("code", history.getWorkloadClass());
        assertEquals(2, history.getPointsCount());
        assertPricedAsQuoted(first, history.getPoints(0));
        assertPricedAsQuoted(second, history.getPoints(1));
        assertEquals(1, history.getOldestRetainedVersion());
        assertEquals(first.getClearedAt(), history.getOldestRetainedAt());

        PricePoint initial = history.getPoints(0);
        assertEquals("initial", initial.getCause());
        assertEquals(List.of(PriceCause.newBuilder().setKind("initial").build()), initial.getCausesList());
        PricePoint dropped = history.getPoints(1);
        assertEquals(List.of(PriceCause.newBuilder().setKind("capacity").setSubject("dallas/code")
                .setPreviousValue(capacityBefore).setValue(1_000_000).setUnit("tokens/s").build()),
                dropped.getCausesList());
        assertEquals("capacity dallas/code " + new java.math.BigDecimal(Double.toString(capacityBefore))
                .stripTrailingZeros().toPlainString() + " -> 1000000 tokens/s", dropped.getCause());
        assertEquals(0, dropped.getCausesOmitted());

        PriceHistoryResponse since = stub.priceHistory(PriceHistoryRequest.newBuilder().setOrigin("ashburn")
                .setWorkloadClass("code").setSince(second.getClearedAt()).build());
        assertEquals(List.of(dropped), since.getPointsList());
        assertEquals(1, since.getOldestRetainedVersion(), "set even when since leaves the oldest out");
        assertEquals(first.getClearedAt(), since.getOldestRetainedAt());
    }

    @Test
    void priceHistoryErrorsNameTheFieldOrId() {
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> priceHistory("atlantis", "chat"));
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> priceHistory("dallas", "video"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "origin must not be empty", () -> priceHistory("", "chat"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "workload_class must not be empty", () -> priceHistory("dallas", ""));
        PriceHistoryRequest.Builder request = PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat");
        assertStatus(Status.Code.INVALID_ARGUMENT, "since: nanos must be in [0, 999999999], got -1",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder().setNanos(-1))
                        .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "since: nanos must be in [0, 999999999], got 1000000000",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder()
                        .setNanos(1_000_000_000)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "since: seconds must be in [-62135596800, 253402300799], got 9223372036854775807",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(Long.MAX_VALUE)).build()));
        // the oldest valid time is fine: every retained version was cleared after it
        assertEquals(1, stub.priceHistory(request.setSince(com.google.protobuf.util.Timestamps.MIN_VALUE)
                .build()).getPointsCount());
    }

    @Test
    void rejectedUpdatesNameFieldAndValueAndChangeNothing() {
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[1].tokens_per_second for node 'dallas' class 'image' must be finite and >= 0, got NaN",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder()
                        .addUpdates(CapacityUpdate.newBuilder().setNode("seattle").setWorkloadClass("code").setTokensPerSecond(1))
                        .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("image")
                                .setTokensPerSecond(Double.NaN)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[0].tokens_per_second for origin 'dallas' class 'chat' must be finite and >= 0, got -1.0",
                () -> stub.updateDemand(UpdateDemandRequest.newBuilder().addUpdates(DemandUpdate.newBuilder()
                        .setOrigin("dallas").setWorkloadClass("chat").setTokensPerSecond(-1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[0].price_per_kwh for node 'dallas' must be finite and >= 0, got Infinity",
                () -> stub.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().addUpdates(
                        ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(Double.POSITIVE_INFINITY))
                        .build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown link 'dallas->atlantis'",
                () -> stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder().addUpdates(
                        LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("atlantis").setCapacityGbps(1))
                        .build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder()
                        .setNode("atlantis").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates[0].node must not be empty",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder()
                        .setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates must not be empty",
                () -> stub.updateDemand(UpdateDemandRequest.getDefaultInstance()));
        UpdateDemandRequest.Builder six = UpdateDemandRequest.newBuilder();
        for (String node : List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle")) {
            six.addUpdates(DemandUpdate.newBuilder().setOrigin(node).setWorkloadClass("chat").setTokensPerSecond(1));
        }
        six.addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("code").setTokensPerSecond(1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates has 6 entries, more than the limit of 5 per call",
                () -> stub.updateDemand(six.build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[1] sets the capacity of link 'dallas->ashburn' again (updates[0] already does)",
                () -> stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder()
                        .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("ashburn").setCapacityGbps(1))
                        .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("ashburn").setCapacityGbps(2))
                        .build()));

        assertEquals(1, stub.getMarket(GetMarketRequest.getDefaultInstance()).getMarketVersion());
        assertEquals(List.of(List.of()), engine.get().batches(), "no rejected update reached the engine");
    }

    @Test
    void everyUpdateKindIsAcceptedAllOrNothingIntoOneVersion() {
        assertEquals(2, stub.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true)
                .addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("batch").setTokensPerSecond(10))
                .build()).getMarketVersion());
        assertEquals(3, stub.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true)
                .addUpdates(ElectricityPriceUpdate.newBuilder().setNode("seattle").setPricePerKwh(0.2)).build())
                .getMarketVersion());
        assertEquals(4, stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("silicon-valley").setToNode("seattle")
                        .setCapacityGbps(0)).build()).getMarketVersion());
        GetMarketResponse market = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(4, market.getMarketVersion());
        assertEquals(20, market.getCapacitiesCount());
        assertEquals(20, market.getDemandsCount());
        assertEquals(10, market.getDemandsList().stream().filter(d -> d.getOrigin().equals("dallas")
                && d.getWorkloadClass().equals("batch")).findFirst().orElseThrow().getTokensPerSecond());
        assertEquals(0, market.getResult().getFlowsList().stream().filter(f -> f.getFromNode().equals("silicon-valley")
                && f.getToNode().equals("seattle")).mapToDouble(f -> f.getTokensPerSecond()).sum(), 1e-9,
                "the closed link carries nothing");
        assertEquals(20, market.getResult().getPricesCount());
        // seattle's compute now costs 0.2 $/kWh: its site price is that times chat's kWh per M tokens, plus μ
        double kwh = EmbeddedScenarios.get("five-node").workloadClass("chat").kwhPerMTokens();
        double mu = market.getResult().getProcessingList().stream().filter(x -> x.getNode().equals("seattle")
                && x.getWorkloadClass().equals("chat")).findFirst().orElseThrow().getScarcityRent();
        Site seattle = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("seattle").setWorkloadClass("chat")
                .build()).getSitesList().stream().filter(s -> s.getNode().equals("seattle")).findFirst().orElseThrow();
        assertEquals(0.2 * kwh + mu, seattle.getSitePricePerMTokens(), 1e-12);
    }

    @Test
    void watchStreamsTheTableFirstThenEveryNewVersion() throws Exception {
        BlockingQueue<PriceTable> tables = new LinkedBlockingQueue<>();
        PricingOracleGrpc.newStub(channel).watchPrices(WatchRequest.newBuilder().addWorkloadClasses("image").build(),
                new StreamObserver<>() {
                    @Override public void onNext(PriceTable value) { tables.add(value); }
                    @Override public void onError(Throwable t) { }
                    @Override public void onCompleted() { }
                });
        PriceTable first = tables.poll(20, TimeUnit.SECONDS);
        assertEquals(1, first.getMarketVersion());
        assertEquals(5, first.getPricesCount(), "five origins of the one class asked for");
        assertTrue(first.getPricesList().stream().allMatch(p -> p.getWorkloadClass().equals("image")));
        for (ServingSplit split : first.getSplitsList()) {
            assertEquals(1.0, split.getSharesList().stream().mapToDouble(s -> s.getShare()).sum(), 1e-9);
        }
        stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("seattle").setWorkloadClass("image").setTokensPerSecond(60_000)).build());
        PriceTable second = tables.poll(20, TimeUnit.SECONDS);
        assertEquals(2, second.getMarketVersion());
        NodePrice seattle = second.getPricesList().stream().filter(p -> p.getNode().equals("seattle")).findFirst()
                .orElseThrow();
        assertEquals(quote("seattle", "image").getPricePerMTokens(), seattle.getPricePerMTokens());

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PricingOracleGrpc
                .newBlockingStub(channel).watchPrices(WatchRequest.newBuilder().addWorkloadClasses("video").build())
                .hasNext());
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void waitForClearHonoursTheDeadlineAndTheUpdateStaysAccepted() throws Exception {
        engine.get().hold();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PricingOracleGrpc
                .newBlockingStub(channel).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                        .newBuilder().setNode("chicago").setWorkloadClass("chat").setTokensPerSecond(123)).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        engine.get().open();
        oracle.whenCleared(2).get(20, TimeUnit.SECONDS);
        assertEquals(123, oracle.state().snapshot().scenario().node("chicago").capacityOf("chat"));
    }

    @Test
    void aFailingSolverKeepsQuotesAvailableMarkedStale() {
        engine.get().setFailing(true);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.updateCapacity(
                UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                        .setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("the update was accepted as version 2 but its re-clear "
                + "failed"), e.getStatus().getDescription());
        QuoteResponse q = quote("dallas", "chat");
        assertTrue(q.getStale());
        assertTrue(q.hasAge(), "a stale answer says how old it is");
        assertEquals(1, q.getMarketVersion());
        assertTrue(q.getPricePerMTokens() > 0);
        assertTrue(stub.getMarket(GetMarketRequest.getDefaultInstance()).getStale());
    }

    @Test
    void settlementExportStreamsOneRecordPerVersionThatAddsUp() {
        stub.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true).addUpdates(DemandUpdate.newBuilder()
                .setOrigin("chicago").setWorkloadClass("image").setTokensPerSecond(50_000)).build());
        List<SettlementRecord> records = new ArrayList<>();
        Iterator<SettlementRecord> it = stub.exportSettlement(ExportSettlementRequest.getDefaultInstance());
        it.forEachRemaining(records::add);
        assertEquals(List.of(1L, 2L), records.stream().map(SettlementRecord::getMarketVersion).toList());
        assertTrue(records.get(0).hasSupersededAt());
        assertFalse(records.get(1).hasSupersededAt());
        for (SettlementRecord r : records) {
            double paid = r.getPaymentsList().stream().mapToDouble(p -> p.getAmountPerHour()).sum();
            double compute = r.getComputeRevenueList().stream().mapToDouble(c -> c.getAmountPerHour()).sum();
            double network = r.getNetworkRevenueList().stream().mapToDouble(n -> n.getAmountPerHour()).sum();
            assertEquals(r.getTotals().getUserPaymentsPerHour(), paid, 1e-6);
            assertEquals(r.getTotals().getComputeRevenuePerHour(), compute, 1e-6);
            assertEquals(r.getTotals().getNetworkRevenuePerHour(), network, 1e-6);
            assertEquals(paid - compute - network, r.getTotals().getMerchandisingSurplusPerHour(), 1e-6);
        }
        assertStatus(Status.Code.OUT_OF_RANGE, "to_version 7 is not cleared yet; versions 1 to 2 are retained",
                () -> stub.exportSettlement(ExportSettlementRequest.newBuilder().setToVersion(7).build()).hasNext());
        assertStatus(Status.Code.INVALID_ARGUMENT, "from_version 2 is after to_version 1",
                () -> stub.exportSettlement(ExportSettlementRequest.newBuilder().setFromVersion(2).setToVersion(1)
                        .build()).hasNext());
    }

    @Test
    void healthSaysServingAndReflectionListsTheService() throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                .setService("tokenflow.v1.PricingOracle").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> ask = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override public void onNext(ServerReflectionResponse value) { answers.add(value); }
                    @Override public void onError(Throwable t) { }
                    @Override public void onCompleted() { }
                });
        ask.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse listed = answers.poll(20, TimeUnit.SECONDS);
        ask.onCompleted();
        assertTrue(listed.getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals("tokenflow.v1.PricingOracle")), listed.toString());
    }
}
