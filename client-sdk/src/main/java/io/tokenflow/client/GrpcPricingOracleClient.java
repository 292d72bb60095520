package io.tokenflow.client;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateDemandResponse;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceResponse;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The gRPC {@link PricingOracleClient}.
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any number of threads. The local table is one immutable
 * {@link LocalTable} snapshot that {@link PriceTableWatch} swaps in per message: readers take whichever
 * snapshot is current, never lock, and so never see a mix of two versions. Within one watch stream
 * versions only grow (the oracle sends newest first).
 *
 * <h2>Fresh</h2>
 * The table is <em>fresh</em> while the watch stream is connected (a message arrived on the current
 * stream and it has not ended) and the last message arrived at most {@code maxTableAge} ago by the
 * builder's clock. The age is measured from the <em>arrival</em> of the last message, not from the
 * version's clearing time: the oracle sends a table only when its version (or stale flag) changes, so a
 * quiet market keeps an old {@code clearedAt} while being perfectly current. A fresh table answers
 * {@link #quote} and {@link #route(String, String, String)} without a call ({@link AnswerSource#LOCAL_TABLE});
 * otherwise they call the oracle ({@link AnswerSource#REMOTE}); if that fails with UNAVAILABLE or
 * DEADLINE_EXCEEDED and a table exists, they answer from it flagged stale ({@link AnswerSource#STALE_TABLE}).
 *
 * <h2>Retries</h2>
 * One retry layer only: gRPC's own, through the channel's service config ({@code retryPolicy}: up to 3
 * attempts on UNAVAILABLE, 50 ms doubling to 500 ms) for the unary methods in
 * {@link Channels#RETRIED_METHODS}, updates included (they set values, so a repeat is harmless). It is set only on a channel the client
 * makes from {@link PricingOracleClientBuilder#target}; a channel passed in keeps whatever its owner set.
 * The watch stream is not retried by gRPC; the client reconnects it itself with exponential backoff
 * (builder's initial/max, reset when a message arrives). There is no other retry (no resilience4j).
 */
final class GrpcPricingOracleClient implements PricingOracleClient {

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final PricingOracleGrpc.PricingOracleBlockingStub blocking;
    private final PricingOracleGrpc.PricingOracleStub async;
    private final Duration deadline;
    private final long maxTableAgeMillis;
    private final java.time.Clock clock;
    private final boolean watchClassesFiltered;
    /** The local table's stream; null when the builder said watch(false). */
    private final PriceTableWatch watch;
    private final AtomicBoolean closed = new AtomicBoolean();

    GrpcPricingOracleClient(PricingOracleClientBuilder b) {
        if (b.channel.isPresent()) {
            this.channel = b.channel.get();
            this.ownsChannel = false;
        } else {
            this.channel = Channels.newChannel(b);
            this.ownsChannel = true;
        }
        PricingOracleGrpc.PricingOracleBlockingStub bs = PricingOracleGrpc.newBlockingStub(channel);
        PricingOracleGrpc.PricingOracleStub as = PricingOracleGrpc.newStub(channel);
        if (b.bearerToken.isPresent()) {
            CallCredentials credentials = new Channels.BearerToken(b.bearerToken.get());
            bs = bs.withCallCredentials(credentials);
            as = as.withCallCredentials(credentials);
        }
        this.blocking = bs;
        this.async = as;
        this.deadline = b.deadline;
        this.maxTableAgeMillis = b.maxTableAge.toMillis();
        this.clock = b.clock;
        this.watchClassesFiltered = !b.watchClasses.isEmpty();
        HealthGrpc.HealthStub health = HealthGrpc.newStub(channel);
        if (b.bearerToken.isPresent()) {
            health = health.withCallCredentials(new Channels.BearerToken(b.bearerToken.get()));
        }
        this.watch = b.watch ? new PriceTableWatch(as, health, b).startWithProbe() : null;
    }

    private LocalTable freshTable() {
        LocalTable t = lastTable();
        if (t == null || !watch.connected() || clock.millis() - t.receivedAtMillis > maxTableAgeMillis) {
            return null;
        }
        return t;
    }

    @Override
    public TableStatus tableStatus() {
        LocalTable t = lastTable();
        boolean connected = watch != null && watch.connected();
        if (t == null) {
            return new TableStatus(OptionalLong.empty(), Duration.ZERO, connected, false);
        }
        return new TableStatus(OptionalLong.of(t.version), Duration.ofMillis(Math.max(0, clock.millis() - t.receivedAtMillis)),
                connected, freshTable() == t);
    }

    // ---- quote and route: local table first ----

    @Override
    public OracleQuote quote(String origin, String workloadClass) {
        requireId("origin", origin);
        requireId("workload_class", workloadClass);
        LocalTable fresh = freshTable();
        if (fresh != null) {
            LocalTable.Entry e = localEntry(fresh, origin, workloadClass);
            if (e != null) {
                return e.quote;
            }
        }
        try {
            QuoteResponse r = call(() -> stub().quote(
                    QuoteRequest.newBuilder().setOrigin(origin).setWorkloadClass(workloadClass).build()));
            return ProtoViews.quote(r);
        } catch (OracleUnavailableException unavailable) {
            LocalTable last = lastTable();
            LocalTable.Entry e = last == null ? null : last.entry(origin, workloadClass);
            if (e == null) {
                throw unavailable;
            }
            return e.quote.fromStaleTable();
        }
    }

    /**
     * The entry of a fresh table, null where the table cannot answer (a class it does not watch); throws
     * NOT_FOUND, with the oracle's message, for an id the oracle does not know.
     */
    private LocalTable.Entry localEntry(LocalTable t, String origin, String workloadClass) {
        if (!t.nodes.contains(origin)) {
            throw new OracleNotFoundException("NOT_FOUND", "unknown node '" + origin + "'", null);
        }
        if (!t.hasClass(workloadClass)) {
            if (watchClassesFiltered) {
                return null; // not watched: the oracle knows
            }
            throw new OracleNotFoundException("NOT_FOUND", "unknown class '" + workloadClass + "'", null);
        }
        return t.entry(origin, workloadClass);
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId) {
        requireId("origin", origin);
        requireId("workload_class", workloadClass);
        LocalTable fresh = freshTable();
        if (fresh != null) {
            LocalTable.Entry e = localEntry(fresh, origin, workloadClass);
            if (e != null) {
                requireRequestId(requestId);
                OracleRoute r = e.route(requestId);
                if (r != null) {
                    return r;
                }
            }
        }
        requireRequestId(requestId);
        try {
            return remoteRoute(origin, workloadClass, requestId, List.of());
        } catch (OracleUnavailableException unavailable) {
            LocalTable last = lastTable();
            LocalTable.Entry e = last == null ? null : last.entry(origin, workloadClass);
            OracleRoute r = e == null ? null : e.route(requestId);
            if (r == null) {
                throw unavailable;
            }
            return r.fromStaleTable();
        }
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludeNodes) {
        if (excludeNodes == null || excludeNodes.isEmpty()) {
            return route(origin, workloadClass, requestId);
        }
        requireId("origin", origin);
        requireId("workload_class", workloadClass);
        return remoteRoute(origin, workloadClass, requestId, excludeNodes);
    }

    private OracleRoute remoteRoute(String origin, String workloadClass, String requestId, Collection<String> excludes) {
        return ProtoViews.route(call(() -> stub().route(RouteRequest.newBuilder().setOrigin(origin)
                .setWorkloadClass(workloadClass).setRequestId(requestId == null ? "" : requestId)
                .addAllExcludeNodes(excludes).build())));
    }

    // ---- remote only ----

    @Override
    public FeasibleSitesView feasibleSitesView(String origin, String workloadClass) {
        return ProtoViews.sites(call(() -> stub().feasibleSites(FeasibleSitesRequest.newBuilder()
                .setOrigin(nullToEmpty(origin)).setWorkloadClass(nullToEmpty(workloadClass)).build())));
    }

    @Override
    public UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear) {
        UpdateCapacityRequest.Builder request = UpdateCapacityRequest.newBuilder().setWaitForClear(waitForClear);
        for (CapacityChange c : changes) {
            request.addUpdates(CapacityUpdate.newBuilder().setNode(nullToEmpty(c.node()))
                    .setWorkloadClass(nullToEmpty(c.workloadClass())).setTokensPerSecond(c.tokensPerSecond()));
        }
        UpdateCapacityResponse r = call(() -> stub().updateCapacity(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    @Override
    public UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear) {
        UpdateDemandRequest.Builder request = UpdateDemandRequest.newBuilder().setWaitForClear(waitForClear);
        for (DemandChange c : changes) {
            request.addUpdates(DemandUpdate.newBuilder().setOrigin(nullToEmpty(c.origin()))
                    .setWorkloadClass(nullToEmpty(c.workloadClass())).setTokensPerSecond(c.tokensPerSecond()));
        }
        UpdateDemandResponse r = call(() -> stub().updateDemand(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    @Override
    public UpdateAck updateElectricityPrice(List<ElectricityPriceChange> changes, boolean waitForClear) {
        UpdateElectricityPriceRequest.Builder request = UpdateElectricityPriceRequest.newBuilder()
                .setWaitForClear(waitForClear);
        for (ElectricityPriceChange c : changes) {
            request.addUpdates(ElectricityPriceUpdate.newBuilder().setNode(nullToEmpty(c.node()))
                    .setPricePerKwh(c.pricePerKwh()));
        }
        UpdateElectricityPriceResponse r = call(() -> stub().updateElectricityPrice(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    @Override
    public UpdateAck updateLinkCapacity(List<LinkCapacityChange> changes, boolean waitForClear) {
        UpdateLinkCapacityRequest.Builder request = UpdateLinkCapacityRequest.newBuilder().setWaitForClear(waitForClear);
        for (LinkCapacityChange c : changes) {
            request.addUpdates(LinkCapacityUpdate.newBuilder().setFromNode(nullToEmpty(c.fromNode()))
                    .setToNode(nullToEmpty(c.toNode())).setCapacityGbps(c.capacityGbps()));
        }
        UpdateLinkCapacityResponse r = call(() -> stub().updateLinkCapacity(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    @Override
    public MarketView market() {
        return ProtoViews.market(call(() -> stub().getMarket(GetMarketRequest.getDefaultInstance())));
    }

    @Override
    public PriceHistoryPage priceHistoryPage(String origin, String workloadClass, Instant since, int pageSize,
            String pageToken, boolean withCauses) {
        PriceHistoryRequest.Builder request = PriceHistoryRequest.newBuilder().setOrigin(nullToEmpty(origin))
                .setWorkloadClass(nullToEmpty(workloadClass)).setPageSize(pageSize)
                .setPageToken(nullToEmpty(pageToken)).setOmitCauses(!withCauses);
        if (since != null) {
            request.setSince(ProtoViews.timestamp(since));
        }
        PriceHistoryResponse page = call(() -> stub().priceHistory(request.build()));
        return new PriceHistoryPage(ProtoViews.priceHistory(page), page.getNextPageToken());
    }

    @Override
    public RetailAnswerView retailEquilibrium(RetailGameSpec game, int curvePoints) {
        Objects.requireNonNull(game, "game");
        return RetailViews.answer(call(() -> stub().retailEquilibrium(RetailViews.request(game, curvePoints))));
    }

    @Override
    public SettlementExport exportSettlement(long fromVersion, long toVersion, Consumer<SettlementView> sink) {
        if (fromVersion < 0 || toVersion < 0) {
            throw new OracleInvalidArgumentException("INVALID_ARGUMENT", "versions must be >= 0, got from_version "
                    + fromVersion + " to_version " + toVersion, null);
        }
        return export(ExportSettlementRequest.newBuilder().setFromVersion(fromVersion).setToVersion(toVersion)
                .build(), sink);
    }

    @Override
    public SettlementExport exportSettlement(Instant fromTime, long toVersion, Consumer<SettlementView> sink) {
        Objects.requireNonNull(fromTime, "fromTime");
        if (toVersion < 0) {
            throw new OracleInvalidArgumentException("INVALID_ARGUMENT", "to_version must be >= 0, got " + toVersion,
                    null);
        }
        return export(ExportSettlementRequest.newBuilder().setFromTime(ProtoViews.timestamp(fromTime))
                .setToVersion(toVersion).build(), sink);
    }

    private SettlementExport export(ExportSettlementRequest request, Consumer<SettlementView> sink) {
        Objects.requireNonNull(sink, "sink");
        // the blocking iterator pulls one message at a time, so a slow sink slows the server (flow control)
        // rather than filling memory; leaving early cancels the stream in the Context's finally
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            return context.call(() -> {
                Iterator<SettlementRecord> records = call(() -> stub().exportSettlement(request));
                long count = 0;
                long last = -1;
                while (call(records::hasNext)) {
                    SettlementView record = ProtoViews.settlement(records.next());
                    sink.accept(record);
                    count++;
                    last = record.marketVersion();
                }
                return new SettlementExport(count, last < 0 ? OptionalLong.empty() : OptionalLong.of(last));
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            context.cancel(null);
        }
    }

    @Override
    public TierMenuView tierMenu(String origin, String workloadClass, MenuPopulation population) {
        Objects.requireNonNull(population, "population");
        return MenuViews.view(call(() -> stub().tierMenu(MenuViews.request(nullToEmpty(origin),
                nullToEmpty(workloadClass), population))));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watch != null) {
            watch.close();
        }
        if (ownsChannel) {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- helpers ----

    /** The last table the watch stream brought, fresh or not; null without one (or without a watch). */
    private LocalTable lastTable() {
        return watch == null ? null : watch.table();
    }

    private PricingOracleGrpc.PricingOracleBlockingStub stub() {
        return blocking.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw map(e);
        }
    }

    /** A gRPC status as the SDK's typed exception, keeping the oracle's message. */
    static OracleException map(StatusRuntimeException e) {
        Status s = e.getStatus();
        String code = s.getCode().name();
        String message = s.getDescription() == null ? code : s.getDescription();
        return switch (s.getCode()) {
            case NOT_FOUND -> new OracleNotFoundException(code, message, e);
            case INVALID_ARGUMENT, OUT_OF_RANGE -> new OracleInvalidArgumentException(code, message, e);
            case FAILED_PRECONDITION -> new OracleNoSiteException(code, message, e);
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new OracleUnavailableException(code, message, e);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new OracleAccessDeniedException(code, message, e);
            default -> new OracleInternalException(code, message, e);
        };
    }

    private static void requireId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new OracleInvalidArgumentException("INVALID_ARGUMENT", field + " must not be empty", null);
        }
    }

    private static void requireRequestId(String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            throw new OracleInvalidArgumentException("INVALID_ARGUMENT", "request_id must not be empty", null);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
