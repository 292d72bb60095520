package io.tokenflow.client;

import com.google.protobuf.Timestamp;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateDemandResponse;
import io.tokenflow.api.v1.WatchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The gRPC {@link PricingOracleClient}.
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any number of threads. The local table is one immutable
 * {@link LocalTable} snapshot in an {@link AtomicReference}: the watch stream builds a new one per
 * message and swaps it in, readers take whichever snapshot is current, never lock, and so never see a mix
 * of two versions. Within one watch stream versions only grow (the oracle sends newest first).
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
 * attempts on UNAVAILABLE, 50 ms doubling to 500 ms) for Quote, Route, FeasibleSites, GetMarket and the
 * (idempotent: they set values) UpdateCapacity and UpdateDemand. It is set only on a channel the client
 * makes from {@link PricingOracleClientBuilder#target}; a channel passed in keeps whatever its owner set.
 * The watch stream is not retried by gRPC; the client reconnects it itself with exponential backoff
 * (builder's initial/max, reset when a message arrives). There is no other retry (no resilience4j).
 */
final class GrpcPricingOracleClient implements PricingOracleClient {
    private static final String SERVICE = "tokenflow.v1.PricingOracle";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final PricingOracleGrpc.PricingOracleBlockingStub blocking;
    private final PricingOracleGrpc.PricingOracleStub async;
    private final Duration deadline;
    private final long maxTableAgeMillis;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final java.time.Clock clock;
    private final WatchRequest watchRequest;
    private final boolean watchClassesFiltered;

    private final AtomicReference<LocalTable> table = new AtomicReference<>();
    private volatile boolean connected;
    private volatile boolean closed;
    private final ScheduledExecutorService reconnects;
    private final Object watchLock = new Object();
    /** The current stream (guarded by watchLock), cancelled on close. */
    private ClientCallStreamObserver<WatchRequest> stream;
    /** Backoff before the next reconnect (guarded by watchLock). */
    private long backoffNanos;

    GrpcPricingOracleClient(PricingOracleClientBuilder b) {
        if (b.channel.isPresent()) {
            this.channel = b.channel.get();
            this.ownsChannel = false;
        } else {
            this.channel = newChannel(b);
            this.ownsChannel = true;
        }
        PricingOracleGrpc.PricingOracleBlockingStub bs = PricingOracleGrpc.newBlockingStub(channel);
        PricingOracleGrpc.PricingOracleStub as = PricingOracleGrpc.newStub(channel);
        if (b.bearerToken.isPresent()) {
            CallCredentials credentials = new BearerToken(b.bearerToken.get());
            bs = bs.withCallCredentials(credentials);
            as = as.withCallCredentials(credentials);
        }
        this.blocking = bs;
        this.async = as;
        this.deadline = b.deadline;
        this.maxTableAgeMillis = b.maxTableAge.toMillis();
        this.initialBackoffNanos = b.initialBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.backoffNanos = initialBackoffNanos;
        this.clock = b.clock;
        this.watchRequest = WatchRequest.newBuilder().addAllWorkloadClasses(b.watchClasses).build();
        this.watchClassesFiltered = !b.watchClasses.isEmpty();
        if (b.watch) {
            this.reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tokenflow-client-watch");
                t.setDaemon(true);
                return t;
            });
            startWatch();
        } else {
            this.reconnects = null;
        }
    }

    private static ManagedChannel newChannel(PricingOracleClientBuilder b) {
        ChannelCredentials credentials;
        if (b.plaintext) {
            credentials = InsecureChannelCredentials.create();
        } else if (b.trustedCertificates.isPresent() || b.clientCertificate.isPresent()) {
            try {
                TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
                if (b.trustedCertificates.isPresent()) {
                    tls.trustManager(b.trustedCertificates.get().toFile());
                }
                if (b.clientCertificate.isPresent()) {
                    tls.keyManager(b.clientCertificate.get().toFile(), b.clientKey.orElseThrow().toFile());
                }
                credentials = tls.build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read TLS files " + b.trustedCertificates.orElse(null) + ", "
                        + b.clientCertificate.orElse(null) + ", " + b.clientKey.orElse(null), e);
            }
        } else {
            credentials = TlsChannelCredentials.create();
        }
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(b.target.orElseThrow(), credentials);
        return builder.defaultServiceConfig(serviceConfig()).enableRetry().build();
    }

    /** gRPC retry for the unary methods: numbers as Double, as the service-config parser wants. */
    static Map<String, ?> serviceConfig() {
        List<Map<String, String>> names = List.of("Quote", "Route", "FeasibleSites", "GetMarket", "PriceHistory",
                        "UpdateCapacity", "UpdateDemand").stream()
                .map(m -> Map.of("service", SERVICE, "method", m)).toList();
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", 3.0,
                "initialBackoff", "0.05s",
                "maxBackoff", "0.5s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", retryPolicy)));
    }

    // ---- watch stream ----

    private void startWatch() {
        synchronized (watchLock) {
            if (closed) {
                return;
            }
            async.watchPrices(watchRequest, new Watcher());
        }
    }

    private final class Watcher implements ClientResponseObserver<WatchRequest, PriceTable> {
        private ClientCallStreamObserver<WatchRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            this.call = requestStream;
            synchronized (watchLock) {
                stream = requestStream;
            }
        }

        @Override
        public void onNext(PriceTable message) {
            LocalTable next = new LocalTable(message, clock.millis());
            synchronized (watchLock) {
                if (closed || stream != call) {
                    return;
                }
                table.set(next);
                connected = true;
                backoffNanos = initialBackoffNanos;
            }
        }

        @Override
        public void onError(Throwable t) {
            ended();
        }

        @Override
        public void onCompleted() {
            ended();
        }

        private void ended() {
            synchronized (watchLock) {
                if (stream != call) {
                    return;
                }
                connected = false;
                stream = null;
                if (closed) {
                    return;
                }
                long delay = backoffNanos;
                backoffNanos = Math.min(maxBackoffNanos, backoffNanos * 2);
                try {
                    reconnects.schedule(GrpcPricingOracleClient.this::startWatch, delay, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        }
    }

    private LocalTable freshTable() {
        LocalTable t = table.get();
        if (t == null || !connected || clock.millis() - t.receivedAtMillis > maxTableAgeMillis) {
            return null;
        }
        return t;
    }

    @Override
    public TableStatus tableStatus() {
        LocalTable t = table.get();
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
            return quote(r);
        } catch (OracleUnavailableException unavailable) {
            LocalTable last = table.get();
            LocalTable.Entry e = last == null ? null : last.entry(origin, workloadClass);
            if (e == null) {
                throw unavailable;
            }
            OracleQuote q = e.quote;
            return new OracleQuote(q.origin(), q.workloadClass(), q.pricePerMTokens(), q.servingNode(), q.path(),
                    q.energy(), q.scarcity(), q.routing(), q.congestion(), q.unservedPenalty(), q.marketVersion(),
                    q.clearedAt(), true, AnswerSource.STALE_TABLE);
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
            LocalTable last = table.get();
            LocalTable.Entry e = last == null ? null : last.entry(origin, workloadClass);
            OracleRoute r = e == null ? null : e.route(requestId);
            if (r == null) {
                throw unavailable;
            }
            return new OracleRoute(r.servingNode(), r.path(), r.pricePerMTokens(), r.marketVersion(), r.reason(),
                    r.clearedShare(), true, AnswerSource.STALE_TABLE);
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
        RouteResponse r = call(() -> stub().route(RouteRequest.newBuilder().setOrigin(origin)
                .setWorkloadClass(workloadClass).setRequestId(requestId == null ? "" : requestId)
                .addAllExcludeNodes(excludes).build()));
        OracleRoute.Reason reason = switch (r.getReason()) {
            case ROUTE_REASON_CLEARED_SPLIT -> OracleRoute.Reason.CLEARED_SPLIT;
            case ROUTE_REASON_MARGINAL_SITE -> OracleRoute.Reason.MARGINAL_SITE;
            default -> OracleRoute.Reason.CHEAPEST_REMAINING;
        };
        return new OracleRoute(r.getServingNode(), r.getPathList(), r.getPricePerMTokens(), r.getMarketVersion(),
                reason, r.getClearedShare(), r.getStale(), AnswerSource.REMOTE);
    }

    // ---- remote only ----

    @Override
    public List<OracleSite> feasibleSites(String origin, String workloadClass) {
        return call(() -> stub().feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin(nullToEmpty(origin))
                        .setWorkloadClass(nullToEmpty(workloadClass)).build()))
                .getSitesList().stream()
                .map(s -> new OracleSite(s.getNode(), s.getPathList(), s.getDeliveredCostPerMTokens(),
                        s.getSitePricePerMTokens(), s.getRouting(), s.getCongestion(), s.getLatencyMs(),
                        s.getClearedShare(), s.getSpareTokensPerSecond()))
                .toList();
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
    public MarketView market() {
        GetMarketResponse r = call(() -> stub().getMarket(GetMarketRequest.getDefaultInstance()));
        Instant clearedAt = instant(r.getClearedAt());
        List<OracleQuote> prices = r.getResult().getPricesList().stream()
                .map(p -> quote(p, r.getMarketVersion(), clearedAt, r.getStale())).toList();
        return new MarketView(r.getMarketVersion(), clearedAt, r.getStale(),
                r.hasResult() ? OptionalDouble.of(r.getResult().getObjectivePerHour()) : OptionalDouble.empty(),
                prices,
                r.getCapacitiesList().stream()
                        .map(c -> new MarketView.Rate(c.getNode(), c.getWorkloadClass(), c.getTokensPerSecond())).toList(),
                r.getDemandsList().stream()
                        .map(d -> new MarketView.Rate(d.getOrigin(), d.getWorkloadClass(), d.getTokensPerSecond())).toList());
    }

    @Override
    public PriceHistoryView priceHistory(String origin, String workloadClass, Instant since) {
        PriceHistoryRequest.Builder request = PriceHistoryRequest.newBuilder().setOrigin(nullToEmpty(origin))
                .setWorkloadClass(nullToEmpty(workloadClass));
        if (since != null) {
            request.setSince(Timestamp.newBuilder().setSeconds(since.getEpochSecond()).setNanos(since.getNano()));
        }
        PriceHistoryResponse r = call(() -> stub().priceHistory(request.build()));
        List<PriceHistoryView.Point> points = r.getPointsList().stream().map(p -> new PriceHistoryView.Point(
                p.getMarketVersion(), instant(p.getClearedAt()), p.getPricePerMTokens(), p.getEnergy(),
                p.getScarcity(), p.getRouting(), p.getCongestion(), p.getUnservedPenalty(),
                p.getServingNode().isEmpty() ? Optional.empty() : Optional.of(p.getServingNode()), p.getCause(),
                p.getCausesList().stream().map(c -> new PriceHistoryView.Cause(c.getKind(), c.getSubject(),
                        c.getPreviousValue(), c.getValue(), c.getUnit())).toList(),
                p.getCausesOmitted())).toList();
        return new PriceHistoryView(r.getOrigin(), r.getWorkloadClass(), points, r.getOldestRetainedVersion(),
                instant(r.getOldestRetainedAt()));
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @Override
    public void close() {
        ClientCallStreamObserver<WatchRequest> s;
        synchronized (watchLock) {
            if (closed) {
                return;
            }
            closed = true;
            connected = false;
            s = stream;
            stream = null;
        }
        if (s != null) {
            s.cancel("client closed", null);
        }
        if (reconnects != null) {
            reconnects.shutdownNow();
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

    private static OracleQuote quote(QuoteResponse r) {
        return new OracleQuote(r.getOrigin(), r.getWorkloadClass(), r.getPricePerMTokens(),
                r.getServingNode().isEmpty() ? Optional.empty() : Optional.of(r.getServingNode()), r.getPathList(),
                r.getEnergy(), r.getScarcity(), r.getRouting(), r.getCongestion(), r.getUnservedPenalty(),
                r.getMarketVersion(), instant(r.getClearedAt()),
                r.getStale(), AnswerSource.REMOTE);
    }

    private static OracleQuote quote(NodePrice p, long version, Instant clearedAt, boolean stale) {
        return new OracleQuote(p.getNode(), p.getWorkloadClass(), p.getPricePerMTokens(),
                p.getServingNode().isEmpty() ? Optional.empty() : Optional.of(p.getServingNode()), p.getPathList(),
                p.getEnergy(), p.getScarcity(), p.getRouting(), p.getCongestion(), p.getUnservedPenalty(),
                version, clearedAt, stale, AnswerSource.REMOTE);
    }

    /** {@code authorization: Bearer TOKEN} on every call. */
    private static final class BearerToken extends CallCredentials {
        private final Metadata headers = new Metadata();

        BearerToken(String token) {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata copy = new Metadata();
            copy.merge(headers);
            applier.apply(copy);
        }
    }
}
