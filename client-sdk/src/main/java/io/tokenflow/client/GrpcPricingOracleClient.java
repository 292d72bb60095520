package io.tokenflow.client;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.tokenflow.api.v1.PricingOracleGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The gRPC {@link PricingOracleClient}: it owns the channel and the local table and decides when the table
 * may answer; the calls to the oracle themselves (requests, deadline, status mapping) are {@link RemoteCalls}.
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
    private final RemoteCalls remote;
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
        this.remote = new RemoteCalls(bs, b.deadline);
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
            return remote.quote(origin, workloadClass);
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
            return remote.route(origin, workloadClass, requestId, List.of());
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
        return remote.route(origin, workloadClass, requestId, excludeNodes);
    }

    // ---- remote only ----

    @Override
    public FeasibleSitesView feasibleSitesView(String origin, String workloadClass) {
        return remote.feasibleSitesView(origin, workloadClass);
    }

    @Override
    public UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear) {
        return remote.updateCapacity(changes, waitForClear);
    }

    @Override
    public UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear) {
        return remote.updateDemand(changes, waitForClear);
    }

    @Override
    public UpdateAck updateElectricityPrice(List<ElectricityPriceChange> changes, boolean waitForClear) {
        return remote.updateElectricityPrice(changes, waitForClear);
    }

    @Override
    public UpdateAck updateLinkCapacity(List<LinkCapacityChange> changes, boolean waitForClear) {
        return remote.updateLinkCapacity(changes, waitForClear);
    }

    @Override
    public MarketView market() {
        return remote.market();
    }

    @Override
    public PriceHistoryPage priceHistoryPage(String origin, String workloadClass, Instant since, int pageSize,
            String pageToken, boolean withCauses) {
        return remote.priceHistoryPage(origin, workloadClass, since, pageSize, pageToken, withCauses);
    }

    @Override
    public RetailAnswerView retailEquilibrium(RetailGameSpec game, int curvePoints) {
        return remote.retailEquilibrium(game, curvePoints);
    }

    @Override
    public SettlementExport exportSettlement(long fromVersion, long toVersion, Consumer<SettlementView> sink) {
        return remote.exportSettlement(fromVersion, toVersion, sink);
    }

    @Override
    public SettlementExport exportSettlement(Instant fromTime, long toVersion, Consumer<SettlementView> sink) {
        return remote.exportSettlement(fromTime, toVersion, sink);
    }

    @Override
    public TierMenuView tierMenu(String origin, String workloadClass, MenuPopulation population) {
        return remote.tierMenu(origin, workloadClass, population);
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
}
