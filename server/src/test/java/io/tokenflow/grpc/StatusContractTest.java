package io.tokenflow.grpc;

import static io.tokenflow.grpc.ContractCalls.READS;
import static io.tokenflow.grpc.ContractCalls.UPDATES;
import static io.tokenflow.grpc.ContractCalls.calls;
import static io.tokenflow.grpc.ContractCalls.drain;
import static io.tokenflow.grpc.ContractCalls.retailRequest;
import static io.tokenflow.grpc.ContractCalls.withUnknownBytes;
import static io.tokenflow.grpc.ContractServers.MAX_MESSAGE_BYTES;
import static io.tokenflow.grpc.ContractServers.as;
import static io.tokenflow.grpc.ProtoStatusContract.EVERY_RPC;
import static io.tokenflow.grpc.ProtoStatusContract.headerComment;
import static io.tokenflow.grpc.ProtoStatusContract.rpcComments;
import static io.tokenflow.grpc.ProtoStatusContract.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.PricingOracleGrpc.PricingOracleBlockingStub;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.grpc.ContractCalls.Call;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.security.UpdateRateLimiter;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.ReplicaOracle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * oracle.proto is the whole contract: outside clients are written from it alone. Its comment above each
 * {@code rpc} says under "Bound:" how many messages and how large its answer may be, and lists under
 * "Statuses:" every status the call can end with, each with when it happens and "Retry:". This test reads those comments and provokes each status it can for each RPC on real servers (a
 * leader over loopback Netty with {@code --auth} and a 64 KiB message limit, the same leader with a rate
 * limit, a read replica without a version, a broken clock and engine, a shutdown past its grace); every
 * status seen must be documented on that RPC, and no description may carry a Java class name.
 */
class StatusContractTest {
    /** A Java class name in a description: an exception's name, a package, a nested class. */
    static final Pattern CLASS_NAME = Pattern.compile("Exception|java\\.|io\\.tokenflow\\.|\\$");

    @Test
    void everyRpcListsEveryStatusItCanReturnWithWhetherToRetry() {
        Map<String, List<String>> comments = rpcComments();
        assertEquals(PricingOracleGrpc.getServiceDescriptor().getMethods().stream()
                .map(MethodDescriptor::getBareMethodName).sorted().toList(),
                comments.keySet().stream().sorted().toList(), "one commented rpc per method of the service");
        for (Map.Entry<String, List<String>> c : comments.entrySet()) {
            Map<Status.Code, String> listed = statuses(c.getValue());
            assertTrue(listed.keySet().containsAll(EVERY_RPC), c.getKey() + " lists " + listed.keySet()
                    + ", not all of " + EVERY_RPC);
            assertFalse(listed.containsKey(Status.Code.OK) || listed.containsKey(Status.Code.UNKNOWN),
                    c.getKey() + ": OK is no error, and UNKNOWN is folded into INTERNAL");
            listed.forEach((code, text) -> assertTrue(text.contains("Retry:"),
                    c.getKey() + " " + code + " does not say whether to retry: " + text));
            assertTrue(c.getValue().stream().anyMatch(line -> line.trim().startsWith("Bound:")),
                    c.getKey() + " does not say how many messages and how large its answer may be (Bound:)");
        }
        Map<Status.Code, String> header = statuses(headerComment());
        assertTrue(header.keySet().containsAll(EVERY_RPC), "the header lists " + header.keySet());
        header.forEach((code, text) -> assertTrue(text.contains("Retry:"), "header " + code + ": " + text));
    }

    // ---- the contract as the servers keep it ----

    private final ContractServers servers = new ContractServers();
    private final Map<String, Set<Status.Code>> seen = new TreeMap<>();

    @BeforeEach
    void start() throws Exception {
        servers.start();
    }

    @AfterEach
    void stop() throws Exception {
        servers.close();
    }

    /** Runs a call in a context cancelled after it (so a stream is released); returns how it ended. */
    private static Status run(Runnable call) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        try {
            ctx.run(call);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        } finally {
            ctx.cancel(null);
        }
    }

    /** Provokes {@code expected} on {@code rpc} and records it. */
    private void provoke(String rpc, Status.Code expected, String how, Runnable call) {
        record(rpc, expected, how, run(call));
    }

    private void record(String rpc, Status.Code expected, String how, Status got) {
        assertEquals(expected, got.getCode(), rpc + " " + how + ": " + got);
        String d = String.valueOf(got.getDescription());
        assertFalse(CLASS_NAME.matcher(d).find(), rpc + " " + how + " names a Java class: " + d);
        seen.computeIfAbsent(rpc, r -> EnumSet.noneOf(Status.Code.class)).add(expected);
    }

    private void provokeOnEveryRpc(Status.Code code, String how, PricingOracleBlockingStub stub,
            UnaryOperator<Message> change) {
        calls().forEach((rpc, call) -> provoke(rpc, code, how, () -> call.apply(stub, change)));
    }

    @Test
    void everyStatusTheServersGiveIsDocumentedOnItsRpc() throws Exception {
        UnaryOperator<Message> same = m -> m;
        PricingOracleBlockingStub anonymous = as(servers.toGuarded(), null);
        PricingOracleBlockingStub router = as(servers.toGuarded(), "Bearer router-token");
        PricingOracleBlockingStub provider = as(servers.toGuarded(), "Bearer provider-token");
        PricingOracleBlockingStub ops = as(servers.toGuarded(), "Bearer ops-token");
        Map<String, Call> calls = calls();

        // what every caller may meet
        provokeOnEveryRpc(Status.Code.UNAUTHENTICATED, "without credentials", anonymous, same);
        provokeOnEveryRpc(Status.Code.UNAUTHENTICATED, "with an unknown token", as(servers.toGuarded(), "Bearer nope"),
                same);
        provokeOnEveryRpc(Status.Code.RESOURCE_EXHAUSTED, "over --max-message-bytes", ops,
                m -> withUnknownBytes(m, MAX_MESSAGE_BYTES + 1));
        provokeOnEveryRpc(Status.Code.DEADLINE_EXCEEDED, "past its deadline",
                ops.withDeadlineAfter(1, TimeUnit.NANOSECONDS), same);
        calls.forEach((rpc, call) -> {
            Context.CancellableContext cancelled = Context.current().withCancellation();
            cancelled.cancel(null);
            record(rpc, Status.Code.CANCELLED, "cancelled by the caller", run(() -> cancelled.run(
                    () -> call.apply(ops, same))));
        });
        for (String rpc : READS) {
            assertEquals(Status.Code.OK, run(() -> calls.get(rpc).apply(router, same)).getCode(), rpc + " as a router");
        }

        // roles
        for (String rpc : List.of("UpdateCapacity", "UpdateDemand", "UpdateElectricityPrice", "UpdateLinkCapacity",
                "ExportSettlement")) {
            provoke(rpc, Status.Code.PERMISSION_DENIED, "as a router", () -> calls.get(rpc).apply(router, same));
        }
        for (String rpc : List.of("UpdateDemand", "UpdateElectricityPrice", "UpdateLinkCapacity", "ExportSettlement")) {
            provoke(rpc, Status.Code.PERMISSION_DENIED, "as a provider", () -> calls.get(rpc).apply(provider, same));
        }
        provoke("UpdateCapacity", Status.Code.PERMISSION_DENIED, "as a provider, outside its nodes",
                () -> provider.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder()
                        .setNode("seattle").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.OK, run(() -> calls.get("UpdateCapacity").apply(provider, same)).getCode());

        // requests
        provoke("Quote", Status.Code.INVALID_ARGUMENT, "empty origin", () -> ops.quote(QuoteRequest.newBuilder()
                .setWorkloadClass("chat").build()));
        provoke("Quote", Status.Code.NOT_FOUND, "unknown class", () -> ops.quote(QuoteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("video").build()));
        provoke("Route", Status.Code.INVALID_ARGUMENT, "empty request_id", () -> ops.route(RouteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").build()));
        provoke("Route", Status.Code.NOT_FOUND, "unknown excluded node", () -> ops.route(RouteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").setRequestId("r").addExcludeNodes("atlantis").build()));
        provoke("Route", Status.Code.FAILED_PRECONDITION, "every site excluded", () -> ops.route(RouteRequest
                .newBuilder().setOrigin("dallas").setWorkloadClass("chat").setRequestId("r").addAllExcludeNodes(
                        List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle")).build()));
        provoke("FeasibleSites", Status.Code.INVALID_ARGUMENT, "empty class", () -> ops.feasibleSites(
                FeasibleSitesRequest.newBuilder().setOrigin("dallas").build()));
        provoke("FeasibleSites", Status.Code.NOT_FOUND, "unknown origin", () -> ops.feasibleSites(
                FeasibleSitesRequest.newBuilder().setOrigin("atlantis").setWorkloadClass("chat").build()));
        provoke("WatchPrices", Status.Code.INVALID_ARGUMENT, "empty class", () -> ops.watchPrices(
                WatchRequest.newBuilder().addWorkloadClasses("").build()).next());
        provoke("WatchPrices", Status.Code.NOT_FOUND, "unknown class", () -> ops.watchPrices(
                WatchRequest.newBuilder().addWorkloadClasses("video").build()).next());
        provoke("WatchPrices", Status.Code.DEADLINE_EXCEEDED, "a deadline on the stream", () -> {
            Iterator<?> tables = ops.withDeadlineAfter(300, TimeUnit.MILLISECONDS).watchPrices(
                    WatchRequest.getDefaultInstance());
            tables.next();
            tables.hasNext();
        });
        provoke("PriceHistory", Status.Code.INVALID_ARGUMENT, "invalid since", () -> ops.priceHistory(
                PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                        .setSince(Timestamp.newBuilder().setNanos(-1)).build()));
        provoke("PriceHistory", Status.Code.NOT_FOUND, "unknown origin", () -> ops.priceHistory(
                PriceHistoryRequest.newBuilder().setOrigin("atlantis").setWorkloadClass("chat").build()));
        provoke("PriceHistory", Status.Code.INVALID_ARGUMENT, "a page_token it did not issue", () -> ops.priceHistory(
                PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").setPageToken("x")
                        .build()));
        provoke("PriceHistory", Status.Code.INVALID_ARGUMENT, "a negative page_size", () -> ops.priceHistory(
                PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").setPageSize(-1)
                        .build()));
        // a history that keeps two versions: the one the next page starts at is dropped by two more clears
        LeaderOracle brief = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder()
                .priceHistory(2).build(), new SimpleMeterRegistry());
        servers.closeAfterServers(brief);
        PricingOracleBlockingStub toBrief = as(servers.inProcess(brief, List.of()), null);
        PriceHistoryRequest firstPage = PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                .setPageSize(1).build();
        for (int i = 0; i < 3; i++) {
            if (i == 1) {
                firstPage = firstPage.toBuilder().setPageToken(toBrief.priceHistory(firstPage).getNextPageToken())
                        .build();
            }
            brief.whenCleared(brief.submit(List.of(new MarketUpdate.DemandUpdate("dallas", "chat", 7 + i)))
                    .version()).get(20, TimeUnit.SECONDS);
        }
        PriceHistoryRequest dropped = firstPage;
        provoke("PriceHistory", Status.Code.OUT_OF_RANGE, "its page_token's version dropped",
                () -> toBrief.priceHistory(dropped));
        provoke("RetailEquilibrium", Status.Code.INVALID_ARGUMENT, "a provider with no capacity",
                () -> ops.retailEquilibrium(retailRequest(0)));
        provoke("RetailEquilibrium", Status.Code.INVALID_ARGUMENT, "a node the market does not have",
                () -> ops.retailEquilibrium(retailRequest(1e6).toBuilder().setGame(retailRequest(1e6).getGame()
                        .toBuilder().setProviders(0, retailRequest(1e6).getGame().getProviders(0).toBuilder()
                                .setNode("atlantis"))).build()));
        provoke("ExportSettlement", Status.Code.INVALID_ARGUMENT, "from_version > to_version", () -> drain(ops
                .exportSettlement(ExportSettlementRequest.newBuilder().setFromVersion(2).setToVersion(1).build())));
        provoke("ExportSettlement", Status.Code.OUT_OF_RANGE, "to_version not cleared yet", () -> drain(ops
                .exportSettlement(ExportSettlementRequest.newBuilder().setToVersion(1_000_000).build())));
        provoke("TierMenu", Status.Code.INVALID_ARGUMENT, "shares not adding up to 1", () -> ops.tierMenu(
                TierMenuRequests.valid().toBuilder().setTypes(0, TierMenuRequests.valid().getTypes(0).toBuilder()
                        .setShare(0.9)).build()));
        provoke("TierMenu", Status.Code.NOT_FOUND, "unknown origin", () -> ops.tierMenu(
                TierMenuRequests.valid().toBuilder().setOrigin("atlantis").build()));
        for (String rpc : UPDATES) {
            provoke(rpc, Status.Code.INVALID_ARGUMENT, "an empty batch", () -> calls.get(rpc).apply(ops,
                    m -> m.toBuilder().clearField(m.getDescriptorForType().findFieldByName("updates")).build()));
            provoke(rpc, Status.Code.INVALID_ARGUMENT, "a NaN", () -> calls.get(rpc).apply(ops, m -> {
                Message.Builder b = m.toBuilder();
                var field = m.getDescriptorForType().findFieldByName("updates");
                Message u = (Message) b.getRepeatedField(field, 0);
                var value = u.getDescriptorForType().getFields().get(u.getDescriptorForType().getFields().size() - 1);
                return b.setRepeatedField(field, 0, u.toBuilder().setField(value, Double.NaN).build()).build();
            }));
            provoke(rpc, Status.Code.INVALID_ARGUMENT, "over --max-batch", () -> calls.get(rpc).apply(ops, m -> {
                Message.Builder b = m.toBuilder();
                var field = m.getDescriptorForType().findFieldByName("updates");
                for (int i = 0; i < 5; i++) {
                    b.addRepeatedField(field, m.getRepeatedField(field, 0));
                }
                return b.build();
            }));
            provoke(rpc, Status.Code.NOT_FOUND, "an unknown id", () -> calls.get(rpc).apply(ops, m -> {
                Message.Builder b = m.toBuilder();
                var field = m.getDescriptorForType().findFieldByName("updates");
                Message u = (Message) b.getRepeatedField(field, 0);
                var id = u.getDescriptorForType().getFields().get(u.getDescriptorForType().getFields().size() == 2 ? 0 : 1);
                return b.setRepeatedField(field, 0, u.toBuilder().setField(id, "atlantis").build()).build();
            }));
        }

        // the response over the client's own limit (grpc-java's default is 4 MiB; this client takes 1 KiB)
        PricingOracleBlockingStub small = as(servers.loopback(servers.guarded(), 1024), "Bearer ops-token");
        for (String rpc : List.of("GetMarket", "WatchPrices", "ExportSettlement")) {
            provoke(rpc, Status.Code.RESOURCE_EXHAUSTED, "a response over the client's limit",
                    () -> calls.get(rpc).apply(small, same));
        }

        // the update rate limit (without --auth: per peer address)
        ManagedChannel limited = servers.inProcess(servers.leader(), List.of(new UpdateRateLimiter(1)));
        for (String rpc : UPDATES) {
            Status got = Status.OK;
            for (int i = 0; i < 10 && got.getCode() != Status.Code.RESOURCE_EXHAUSTED; i++) {
                got = run(() -> calls.get(rpc).apply(as(limited, null), m -> m.toBuilder().clearField(
                        m.getDescriptorForType().findFieldByName("updates")).build()));
            }
            record(rpc, Status.Code.RESOURCE_EXHAUSTED, "over --update-rate", got);
        }

        // a read replica that has no version from its leader yet
        ReplicaOracle replica = ReplicaOracle.following(OracleConfig.builder().build(), new SimpleMeterRegistry(),
                "leader.example:50051");
        servers.closeAfterServers(replica);
        PricingOracleBlockingStub toReplica = as(servers.inProcess(replica, List.of()), null);
        for (String rpc : List.of("Quote", "Route", "FeasibleSites", "GetMarket", "WatchPrices", "PriceHistory",
                "ExportSettlement", "TierMenu", "RetailEquilibrium")) {
            provoke(rpc, Status.Code.UNAVAILABLE, "on a replica without a version", () -> calls.get(rpc)
                    .apply(toReplica, same));
        }
        for (String rpc : UPDATES) {
            provoke(rpc, Status.Code.FAILED_PRECONDITION, "on a read replica", () -> calls.get(rpc)
                    .apply(toReplica, same));
        }

        // wait_for_clear: a re-clear held past the deadline, a solver that fails, an engine that throws
        servers.engine().hold();
        for (String rpc : UPDATES) {
            provoke(rpc, Status.Code.DEADLINE_EXCEEDED, "waiting for a held re-clear", () -> calls.get(rpc)
                    .apply(ops.withDeadlineAfter(200, TimeUnit.MILLISECONDS), same));
        }
        // the version before the held one, read while it is held: read after open(), the held version and the
        // one coalescing the other updates may both be out already, and version + 1 would never come
        long beforeHeld = servers.leader().state().version();
        servers.engine().open();
        servers.leader().whenCleared(beforeHeld + 1).get(20, TimeUnit.SECONDS);
        servers.engine().setFailing(true);
        for (String rpc : UPDATES) {
            provoke(rpc, Status.Code.UNAVAILABLE, "a failed re-clear", () -> calls.get(rpc).apply(ops, same));
        }
        servers.engine().setFailing(false);
        servers.engineBug.set(true);
        for (String rpc : UPDATES) {
            provoke(rpc, Status.Code.UNAVAILABLE, "an engine that throws", () -> calls.get(rpc).apply(ops, same));
        }

        // a bug in a handler: the stale answer's age from a clock that throws
        assertTrue(servers.leader().state().stale());
        servers.clockBroken.set(true);
        provoke("Quote", Status.Code.INTERNAL, "a handler that throws", () -> calls.get("Quote").apply(ops, same));
        servers.clockBroken.set(false);
        servers.engineBug.set(false);

        // shutdown: a watch ends UNAVAILABLE; a wait cut off past --grace; a stopped server refuses calls
        OracleServer stopping = servers.netty(List.of());
        ManagedChannel toStopping = servers.loopback(stopping, 64 * 1024 * 1024);
        Iterator<?> watch = as(toStopping, null).watchPrices(WatchRequest.getDefaultInstance());
        watch.next();
        servers.engine().hold();
        CompletableFuture<Status> waiting = new CompletableFuture<>();
        PricingOracleGrpc.newStub(toStopping).updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(CapacityUpdate.newBuilder().setNode("chicago").setWorkloadClass("chat")
                        .setTokensPerSecond(7)).build(), new StreamObserver<>() {
                            @Override public void onNext(UpdateCapacityResponse value) { }
                            @Override public void onError(Throwable t) { waiting.complete(Status.fromThrowable(t)); }
                            @Override public void onCompleted() { waiting.complete(Status.OK); }
                        });
        Thread.sleep(100);
        stopping.stop(Duration.ofMillis(200));
        // tables sent before the stop may still be queued: read to the end of the stream
        record("WatchPrices", Status.Code.UNAVAILABLE, "the server stopping", run(() -> {
            while (watch.hasNext()) {
                watch.next();
            }
        }));
        record("UpdateCapacity", Status.Code.CANCELLED, "cut off past --grace", waiting.get(20, TimeUnit.SECONDS));
        servers.engine().open();
        provokeOnEveryRpc(Status.Code.UNAVAILABLE, "to a stopped server", as(toStopping, null), same);

        // every status seen is on its rpc's list
        Map<String, List<String>> comments = rpcComments();
        List<String> missing = new ArrayList<>();
        seen.forEach((rpc, codes) -> {
            Set<Status.Code> listed = statuses(comments.get(rpc)).keySet();
            for (Status.Code c : codes) {
                if (!listed.contains(c)) {
                    missing.add(rpc + " " + c);
                }
            }
        });
        assertEquals(List.of(), missing, "statuses the servers gave that oracle.proto does not list");
        System.out.println("StatusContractTest: statuses provoked per RPC: " + seen);
        assertEquals(new TreeSet<>(calls.keySet()), seen.keySet());
    }
}
