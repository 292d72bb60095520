package io.tokenflow.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.PricingOracleGrpc.PricingOracleBlockingStub;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The auth matrix (each role x each RPC), missing and bad credentials, node grants and rate limits. */
class AccessControlTest {
    static final String AUTH = """
            {"principals": [
              {"name": "router-a", "role": "router", "tokenSha256": "%s"},
              {"name": "dallas-dc", "role": "provider", "nodes": ["dallas"], "tokenSha256": "%s"},
              {"name": "ops", "role": "operator", "tokenSha256": "%s"},
              {"name": "ops-2", "role": "operator", "tokenSha256": "%s"}]}
            """.formatted(AuthConfig.sha256Hex("router-token"), AuthConfig.sha256Hex("provider-token"),
            AuthConfig.sha256Hex("ops-token"), AuthConfig.sha256Hex("ops2-token"));

    private LeaderOracle oracle;
    private OracleServer server;
    private ManagedChannel channel;

    private void start(int updateRate) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(), meters);
        String name = InProcessServerBuilder.generateName();
        server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle, meters,
                Clock.systemUTC(), List.of(new AuthInterceptor(AuthConfig.parse(AUTH, "auth.json")),
                        new UpdateRateLimiter(updateRate))).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofMillis(200));
        oracle.close();
    }

    private PricingOracleBlockingStub as(String authorization) {
        PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        if (authorization == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AuthInterceptor.AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Every RPC once, with a valid request, and the least role it needs. */
    static Map<String, Consumer<PricingOracleBlockingStub>> calls() {
        Map<String, Consumer<PricingOracleBlockingStub>> calls = new LinkedHashMap<>();
        calls.put("Quote", s -> s.quote(QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build()));
        calls.put("Route", s -> s.route(RouteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                .setRequestId("r").build()));
        calls.put("FeasibleSites", s -> s.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("dallas")
                .setWorkloadClass("chat").build()));
        calls.put("GetMarket", s -> s.getMarket(GetMarketRequest.getDefaultInstance()));
        calls.put("WatchPrices", s -> s.watchPrices(WatchRequest.getDefaultInstance()).next());
        calls.put("PriceHistory", s -> s.priceHistory(PriceHistoryRequest.newBuilder().setOrigin("dallas")
                .setWorkloadClass("chat").build()));
        calls.put("UpdateCapacity", s -> s.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(
                CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1e6)).build()));
        calls.put("UpdateDemand", s -> s.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true).addUpdates(
                DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("chat").setTokensPerSecond(1e5)).build()));
        calls.put("UpdateElectricityPrice", s -> s.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true)
                .addUpdates(ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(0.1)).build()));
        calls.put("UpdateLinkCapacity", s -> s.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("chicago")
                        .setCapacityGbps(100)).build()));
        calls.put("ExportSettlement", s -> s.exportSettlement(ExportSettlementRequest.getDefaultInstance()).hasNext());
        calls.put("TierMenu", s -> s.tierMenu(io.tokenflow.grpc.TierMenuRequests.valid()));
        calls.put("RetailEquilibrium", s -> s.retailEquilibrium(io.tokenflow.api.v1.RetailEquilibriumRequest.newBuilder()
                .setGame(io.tokenflow.api.v1.RetailGame.newBuilder()
                        .setWeights(io.tokenflow.api.v1.RetailWeights.newBuilder().setCongestion(1))
                        .addProviders(io.tokenflow.api.v1.RetailProvider.newBuilder().setId("a").setPrice(1)
                                .setCapacity(1e6).setValue(5).setNode("dallas").setWorkloadClass("chat"))
                        .addUsers(io.tokenflow.api.v1.RetailUser.newBuilder().setId("u").setDemand(1e6)
                                .addDelays(io.tokenflow.api.v1.RetailDelay.newBuilder().setProvider("a"))))
                .build()));
        return calls;
    }

    private long version() {
        return oracle.state().version();
    }

    private GetMarketResponse market() {
        return as("Bearer ops-token").getMarket(GetMarketRequest.getDefaultInstance());
    }

    private Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void eachRoleMayCallExactlyItsMethods() throws Exception {
        start(0);
        Map<String, Role> tokens = Map.of("router-token", Role.ROUTER, "provider-token", Role.PROVIDER,
                "ops-token", Role.OPERATOR);
        int checked = 0;
        for (Map.Entry<String, Role> t : tokens.entrySet()) {
            for (Map.Entry<String, Consumer<PricingOracleBlockingStub>> c : calls().entrySet()) {
                Role needed = AuthInterceptor.requiredRole("tokenflow.v1.PricingOracle/" + c.getKey()).orElseThrow();
                long before = version();
                GetMarketResponse marketBefore = market();
                Status.Code got = code(() -> c.getValue().accept(as("Bearer " + t.getKey())));
                String what = t.getValue() + " calling " + c.getKey();
                if (t.getValue().includes(needed)) {
                    assertEquals(Status.Code.OK, got, what);
                } else {
                    assertEquals(Status.Code.PERMISSION_DENIED, got, what);
                    assertEquals(before, version(), what + " changed nothing");
                    assertEquals(marketBefore.getCapacitiesList(), market().getCapacitiesList(), what);
                    assertEquals(marketBefore.getDemandsList(), market().getDemandsList(), what);
                }
                // no credentials, or bad ones: UNAUTHENTICATED, nothing changes
                for (String bad : new String[] {null, "Bearer nope", "Basic abc", "Bearer "}) {
                    long v = version();
                    assertEquals(Status.Code.UNAUTHENTICATED, code(() -> c.getValue().accept(as(bad))), c.getKey() + " " + bad);
                    assertEquals(v, version());
                }
                checked++;
            }
        }
        assertEquals(tokens.size() * calls().size(), checked);
        // every method of the service is exercised above, so a new RPC cannot slip in without a role
        assertEquals(PricingOracleGrpc.getServiceDescriptor().getMethods().stream()
                .map(io.grpc.MethodDescriptor::getBareMethodName).sorted().toList(),
                calls().keySet().stream().sorted().toList());
        assertEquals(Role.ROUTER, AuthInterceptor.requiredRole("tokenflow.v1.PricingOracle/PriceHistory").orElseThrow(),
                "a read, like Quote and GetMarket");
        assertEquals(Role.ROUTER, AuthInterceptor.requiredRole("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
                .orElseThrow());
        // reflection needs a router: anonymous callers cannot even list the services
        assertEquals(Status.Code.UNAUTHENTICATED, reflect(null).getCode());
        assertTrue(reflect("Bearer router-token").isOk());
        // health stays open without credentials
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    /** Lists the services through server reflection; returns how the stream ended. */
    private Status reflect(String authorization) throws Exception {
        var stub = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel);
        if (authorization != null) {
            Metadata headers = new Metadata();
            headers.put(AuthInterceptor.AUTHORIZATION, authorization);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        java.util.concurrent.CompletableFuture<Status> done = new java.util.concurrent.CompletableFuture<>();
        var requests = stub.serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(io.grpc.reflection.v1.ServerReflectionResponse value) {}

            @Override
            public void onError(Throwable t) {
                done.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                done.complete(Status.OK);
            }
        });
        requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return done.get(20, TimeUnit.SECONDS);
    }

    @Test
    void twoAuthorizationHeadersAreRefusedWhicheverComesFirst() throws Exception {
        start(0);
        for (String[] pair : new String[][] {{"Bearer router-token", "Bearer ops-token"},
                {"Bearer ops-token", "Bearer router-token"}, {"Bearer ops-token", "Bearer ops-token"}}) {
            Metadata headers = new Metadata();
            headers.put(AuthInterceptor.AUTHORIZATION, pair[0]);
            headers.put(AuthInterceptor.AUTHORIZATION, pair[1]);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PricingOracleGrpc
                    .newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .getMarket(GetMarketRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), String.join(" + ", pair));
            assertEquals("2 authorization headers: send exactly one 'Bearer TOKEN'", e.getStatus().getDescription());
        }
        assertTrue(market().hasResult(), "one header still works");
    }

    @Test
    void aProviderMayUpdateOnlyItsOwnNodesAndADeniedBatchChangesNothing() throws Exception {
        start(0);
        long before = version();
        GetMarketResponse marketBefore = market();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> as("Bearer provider-token")
                .updateCapacity(UpdateCapacityRequest.newBuilder()
                        .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1))
                        .addUpdates(CapacityUpdate.newBuilder().setNode("seattle").setWorkloadClass("chat").setTokensPerSecond(1))
                        .build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("principal 'dallas-dc' (provider) may not update node 'seattle' (updates[1].node); its nodes: "
                + "[dallas]", e.getStatus().getDescription());
        // the next permitted update is cleared on its own: the refused batch took no version and, had it
        // been queued, would have been cleared with it (no sleep needed to see that it changed nothing)
        long after = as("Bearer provider-token").updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(7))
                .build()).getMarketVersion();
        assertEquals(before + 1, after);
        List<io.tokenflow.api.v1.Capacity> expected = new java.util.ArrayList<>();
        for (io.tokenflow.api.v1.Capacity c : marketBefore.getCapacitiesList()) {
            boolean dallasChat = c.getNode().equals("dallas") && c.getWorkloadClass().equals("chat");
            expected.add(dallasChat ? c.toBuilder().setTokensPerSecond(7).build() : c);
        }
        assertEquals(expected, market().getCapacitiesList(), "only dallas/chat moved; seattle/chat is as it was");
    }

    @Test
    void updatesOverTheRateAreResourceExhaustedAndOtherPrincipalsAreUnaffected() throws Exception {
        start(3);
        PricingOracleBlockingStub ops = as("Bearer ops-token");
        Runnable update = () -> ops.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true)
                .addUpdates(ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(0.1)).build());
        int ok = 0;
        StatusRuntimeException limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            try {
                update.run();
                ok++;
            } catch (StatusRuntimeException e) {
                limited = e;
            }
        }
        assertTrue(ok >= 3 && ok <= 6, "the burst of 3 (one refresh may fall in between), got " + ok);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, limited.getStatus().getCode());
        assertEquals("principal 'ops' (operator) is over its update rate limit of 3 calls per second (--update-rate); "
                + "retry later", limited.getStatus().getDescription());
        long v = version();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(update));
        assertEquals(v, version(), "a limited call changes nothing");
        // another principal has its own budget, and reads are not limited
        as("Bearer ops2-token").updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true)
                .addUpdates(ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(0.2)).build());
        for (int i = 0; i < 20; i++) {
            ops.getMarket(GetMarketRequest.getDefaultInstance());
        }
    }
}
