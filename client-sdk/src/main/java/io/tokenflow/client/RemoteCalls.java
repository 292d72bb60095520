package io.tokenflow.client;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The calls a {@link GrpcPricingOracleClient} makes to the oracle, kept apart from its local table: each
 * builds its request from SDK values, gets the client's deadline afresh (a stub's deadline is a point in
 * time, so one stamped once would expire for every later call), and turns a gRPC status into the SDK's
 * typed {@link OracleException}, so no generated type or gRPC exception reaches a caller.
 *
 * <p>Thread-safe: the only state is an immutable stub and the deadline.
 */
final class RemoteCalls {

    private final PricingOracleGrpc.PricingOracleBlockingStub blocking;
    private final Duration deadline;

    RemoteCalls(PricingOracleGrpc.PricingOracleBlockingStub blocking, Duration deadline) {
        this.blocking = blocking;
        this.deadline = deadline;
    }

    OracleQuote quote(String origin, String workloadClass) {
        QuoteResponse r = call(() -> stub().quote(
                QuoteRequest.newBuilder().setOrigin(origin).setWorkloadClass(workloadClass).build()));
        return ProtoViews.quote(r);
    }

    OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludes) {
        return ProtoViews.route(call(() -> stub().route(RouteRequest.newBuilder().setOrigin(origin)
                .setWorkloadClass(workloadClass).setRequestId(requestId == null ? "" : requestId)
                .addAllExcludeNodes(excludes).build())));
    }

    FeasibleSitesView feasibleSitesView(String origin, String workloadClass) {
        return ProtoViews.sites(call(() -> stub().feasibleSites(FeasibleSitesRequest.newBuilder()
                .setOrigin(nullToEmpty(origin)).setWorkloadClass(nullToEmpty(workloadClass)).build())));
    }

    UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear) {
        UpdateCapacityRequest.Builder request = UpdateCapacityRequest.newBuilder().setWaitForClear(waitForClear);
        for (CapacityChange c : changes) {
            request.addUpdates(CapacityUpdate.newBuilder().setNode(nullToEmpty(c.node()))
                    .setWorkloadClass(nullToEmpty(c.workloadClass())).setTokensPerSecond(c.tokensPerSecond()));
        }
        UpdateCapacityResponse r = call(() -> stub().updateCapacity(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear) {
        UpdateDemandRequest.Builder request = UpdateDemandRequest.newBuilder().setWaitForClear(waitForClear);
        for (DemandChange c : changes) {
            request.addUpdates(DemandUpdate.newBuilder().setOrigin(nullToEmpty(c.origin()))
                    .setWorkloadClass(nullToEmpty(c.workloadClass())).setTokensPerSecond(c.tokensPerSecond()));
        }
        UpdateDemandResponse r = call(() -> stub().updateDemand(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    UpdateAck updateElectricityPrice(List<ElectricityPriceChange> changes, boolean waitForClear) {
        UpdateElectricityPriceRequest.Builder request = UpdateElectricityPriceRequest.newBuilder()
                .setWaitForClear(waitForClear);
        for (ElectricityPriceChange c : changes) {
            request.addUpdates(ElectricityPriceUpdate.newBuilder().setNode(nullToEmpty(c.node()))
                    .setPricePerKwh(c.pricePerKwh()));
        }
        UpdateElectricityPriceResponse r = call(() -> stub().updateElectricityPrice(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    UpdateAck updateLinkCapacity(List<LinkCapacityChange> changes, boolean waitForClear) {
        UpdateLinkCapacityRequest.Builder request = UpdateLinkCapacityRequest.newBuilder().setWaitForClear(waitForClear);
        for (LinkCapacityChange c : changes) {
            request.addUpdates(LinkCapacityUpdate.newBuilder().setFromNode(nullToEmpty(c.fromNode()))
                    .setToNode(nullToEmpty(c.toNode())).setCapacityGbps(c.capacityGbps()));
        }
        UpdateLinkCapacityResponse r = call(() -> stub().updateLinkCapacity(request.build()));
        return new UpdateAck(r.getMarketVersion(), r.getCleared());
    }

    MarketView market() {
        return ProtoViews.market(call(() -> stub().getMarket(GetMarketRequest.getDefaultInstance())));
    }

    PriceHistoryPage priceHistoryPage(String origin, String workloadClass, Instant since, int pageSize,
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

    RetailAnswerView retailEquilibrium(RetailGameSpec game, int curvePoints) {
        Objects.requireNonNull(game, "game");
        return RetailViews.answer(call(() -> stub().retailEquilibrium(RetailViews.request(game, curvePoints))));
    }

    SettlementExport exportSettlement(long fromVersion, long toVersion, Consumer<SettlementView> sink) {
        if (fromVersion < 0 || toVersion < 0) {
            throw new OracleInvalidArgumentException("INVALID_ARGUMENT", "versions must be >= 0, got from_version "
                    + fromVersion + " to_version " + toVersion, null);
        }
        return export(ExportSettlementRequest.newBuilder().setFromVersion(fromVersion).setToVersion(toVersion)
                .build(), sink);
    }

    SettlementExport exportSettlement(Instant fromTime, long toVersion, Consumer<SettlementView> sink) {
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

    TierMenuView tierMenu(String origin, String workloadClass, MenuPopulation population) {
        Objects.requireNonNull(population, "population");
        return MenuViews.view(call(() -> stub().tierMenu(MenuViews.request(nullToEmpty(origin),
                nullToEmpty(workloadClass), population))));
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

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
