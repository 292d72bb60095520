package io.tokenflow.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.FeasibleSitesResponse;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateDemandResponse;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceResponse;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityResponse;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.service.Oracle;
import io.tokenflow.service.SettlementStream;
import io.tokenflow.service.UpdateReceipt;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * tokenflow.v1.PricingOracle over an {@link Oracle} of either role: checks request fields, maps
 * messages to domain calls and answers back, and exceptions to statuses ({@link StatusMapping}); a
 * replica's refusal of updates is one of those exceptions, so no handler asks which role it serves. No
 * handler blocks (waiting for a clear is a future), so the server may run them on the transport threads.
 */
final class PricingOracleGrpcService extends PricingOracleGrpc.PricingOracleImplBase {
    private final Oracle oracle;
    private final Clock clock;
    private final Set<PriceWatch> watches = ConcurrentHashMap.newKeySet();
    /** Set by {@link #closeWatches}: a draining server hands out no new table (a client would take it as live). */
    private volatile boolean watchesClosed;
    private final RetailSolves retail;

    PricingOracleGrpcService(Oracle oracle, Clock clock) {
        this.oracle = oracle;
        this.clock = clock;
        this.retail = new RetailSolves(oracle);
    }

    @Override
    public void quote(QuoteRequest request, StreamObserver<QuoteResponse> response) {
        unary(response, () -> ProtoMapping.quote(oracle.quote(
                RequestFields.id("origin", request.getOrigin()),
                RequestFields.id("workload_class", request.getWorkloadClass())), clock));
    }

    @Override
    public void route(RouteRequest request, StreamObserver<RouteResponse> response) {
        unary(response, () -> ProtoMapping.route(oracle.route(
                RequestFields.id("origin", request.getOrigin()),
                RequestFields.id("workload_class", request.getWorkloadClass()),
                request.getRequestId(),
                request.getExcludeNodesList())));
    }

    @Override
    public void feasibleSites(FeasibleSitesRequest request, StreamObserver<FeasibleSitesResponse> response) {
        unary(response, () -> ProtoMapping.sites(oracle.feasibleSites(
                RequestFields.id("origin", request.getOrigin()),
                RequestFields.id("workload_class", request.getWorkloadClass()))));
    }

    @Override
    public void getMarket(GetMarketRequest request, StreamObserver<GetMarketResponse> response) {
        unary(response, () -> ProtoMapping.market(oracle.state()));
    }

    @Override
    public void priceHistory(PriceHistoryRequest request, StreamObserver<PriceHistoryResponse> response) {
        unary(response, () -> {
            try {
                return HistoryPages.page(request, oracle::priceHistory);
            } catch (io.tokenflow.service.VersionOutOfRangeException e) {
                if (request.getPageToken().isEmpty()) {
                    throw e;
                }
                throw Status.OUT_OF_RANGE.withDescription("page_token: " + e.getMessage()
                        + "; start again without a page_token").asRuntimeException();
            }
        });
    }

    @Override
    public void updateCapacity(UpdateCapacityRequest request, StreamObserver<UpdateCapacityResponse> response) {
        update(response, request.getUpdatesCount(), () -> RequestFields.capacity(request.getUpdatesList()),
                request.getWaitForClear(), r -> UpdateCapacityResponse.newBuilder()
                        .setMarketVersion(r.version()).setCleared(r.cleared()).build());
    }

    @Override
    public void updateDemand(UpdateDemandRequest request, StreamObserver<UpdateDemandResponse> response) {
        update(response, request.getUpdatesCount(), () -> RequestFields.demand(request.getUpdatesList()),
                request.getWaitForClear(), r -> UpdateDemandResponse.newBuilder()
                        .setMarketVersion(r.version()).setCleared(r.cleared()).build());
    }

    @Override
    public void updateElectricityPrice(UpdateElectricityPriceRequest request,
            StreamObserver<UpdateElectricityPriceResponse> response) {
        update(response, request.getUpdatesCount(), () -> RequestFields.electricityPrice(request.getUpdatesList()),
                request.getWaitForClear(), r -> UpdateElectricityPriceResponse.newBuilder()
                        .setMarketVersion(r.version()).setCleared(r.cleared()).build());
    }

    @Override
    public void updateLinkCapacity(UpdateLinkCapacityRequest request,
            StreamObserver<UpdateLinkCapacityResponse> response) {
        update(response, request.getUpdatesCount(), () -> RequestFields.linkCapacity(request.getUpdatesList()),
                request.getWaitForClear(), r -> UpdateLinkCapacityResponse.newBuilder()
                        .setMarketVersion(r.version()).setCleared(r.cleared()).build());
    }

    @Override
    public void watchPrices(io.tokenflow.api.v1.WatchRequest request, StreamObserver<PriceTable> response) {
        if (watchesClosed) {
            response.onError(io.grpc.Status.UNAVAILABLE.withDescription("the oracle is shutting down")
                    .asRuntimeException());
            return;
        }
        try {
            oracle.state(); // a replica without a version yet: UNAVAILABLE
            Set<String> classIds = new LinkedHashSet<>();
            for (int i = 0; i < request.getWorkloadClassesCount(); i++) {
                String id = RequestFields.id("workload_classes[" + i + "]", request.getWorkloadClasses(i));
                oracle.state().snapshot().requireClass(id);
                classIds.add(id);
            }
            PriceWatch[] self = new PriceWatch[1];
            self[0] = new PriceWatch((ServerCallStreamObserver<PriceTable>) response, Set.copyOf(classIds),
                    oracle.market(), () -> watches.remove(self[0]));
            watches.add(self[0]);
            self[0].start();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void exportSettlement(ExportSettlementRequest request, StreamObserver<SettlementRecord> response) {
        SettlementStream records;
        try {
            oracle.state(); // a replica without a version yet: UNAVAILABLE (it has no records either)
            long from = request.getFromVersion();
            if (request.hasFromTime()) {
                if (from != 0) {
                    throw new IllegalArgumentException("give from_version or from_time, not both: from_version "
                            + Long.toUnsignedString(from) + ", from_time " + request.getFromTime());
                }
                from = oracle.versionInForceAt(RequestFields.optionalTime("from_time", true, request.getFromTime()));
            }
            records = oracle.settlementStream(from, request.getToVersion());
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
            return;
        }
        // send as fast as the client reads (flow control), not all at once into memory; with a data
        // directory the records are read from disk one at a time as they are sent
        ServerCallStreamObserver<SettlementRecord> stream = (ServerCallStreamObserver<SettlementRecord>) response;
        boolean[] finished = {false};
        Runnable drain = () -> {
            synchronized (finished) {
                try {
                    while (!finished[0] && stream.isReady() && records.hasNext()) {
                        stream.onNext(ProtoMapping.settlementRecord(records.next()));
                    }
                    if (!finished[0] && !records.hasNext()) {
                        finished[0] = true;
                        records.close();
                        stream.onCompleted();
                    }
                } catch (RuntimeException e) {
                    // e.g. retention dropped the versions still to send (OUT_OF_RANGE), or a damaged record
                    if (!finished[0]) {
                        finished[0] = true;
                        records.close();
                        stream.onError(StatusMapping.toStatus(e));
                    }
                }
            }
        };
        stream.setOnCancelHandler(() -> {
            synchronized (finished) {
                finished[0] = true;
                records.close();
            }
        });
        stream.setOnReadyHandler(drain);
        drain.run();
    }

    @Override
    public void tierMenu(io.tokenflow.api.v1.TierMenuRequest request,
            StreamObserver<io.tokenflow.api.v1.TierMenuResponse> response) {
        unary(response, () -> MenuMessages.response(oracle.tierMenu(MenuMessages.request(request))));
    }

    @Override
    public void retailEquilibrium(io.tokenflow.api.v1.RetailEquilibriumRequest request,
            StreamObserver<io.tokenflow.api.v1.RetailEquilibriumResponse> response) {
        retail.solve(request, response);
    }

    /** Stops taking retail games (a server that stops). */
    void stopRetail() {
        retail.shutdown();
    }

    /** Ends every WatchPrices stream with UNAVAILABLE (so graceful shutdown does not wait on them). */
    void closeWatches() {
        watchesClosed = true;
        List.copyOf(watches).forEach(PriceWatch::shutdown);
    }

    private static <T> void unary(StreamObserver<T> response, Supplier<T> answer) {
        T value;
        try {
            value = answer.get();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    private <T> void update(StreamObserver<T> response, int count, Supplier<List<MarketUpdate>> updates,
            boolean waitForClear, Function<UpdateReceipt, T> answer) {
        if (Context.current().isCancelled()) {
            // the deadline passed (or the client left) before we started: change nothing
            response.onError(Status.DEADLINE_EXCEEDED.withDescription("the call was over before the update was applied")
                    .asRuntimeException());
            return;
        }
        CompletableFuture<UpdateReceipt> accepted;
        try {
            if (count > oracle.config().maxBatchSize()) {
                throw new IllegalArgumentException("updates has " + count + " entries, more than the limit of "
                        + oracle.config().maxBatchSize() + " per call");
            }
            // with --data-dir this completes once the journal record is on disk (on the journal's thread)
            accepted = oracle.submitAsync(updates.get());
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
            return;
        }
        // a client that gives up (deadline, cancel) stops the wait; its update stays accepted
        AtomicReference<CompletableFuture<?>> waiting = new AtomicReference<>();
        if (waitForClear || !accepted.isDone()) {
            ((ServerCallStreamObserver<T>) response).setOnCancelHandler(() -> {
                CompletableFuture<?> w = waiting.get();
                if (w != null) {
                    w.cancel(false);
                }
            });
        }
        if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
            waiting.set(answer(response, accepted.join(), waitForClear, answer));
            return;
        }
        accepted.whenComplete((receipt, error) -> {
            if (error instanceof CancellationException) {
                return;
            }
            if (error != null) {
                response.onError(StatusMapping.toStatus(error instanceof java.util.concurrent.CompletionException
                        && error.getCause() != null ? error.getCause() : error));
            } else {
                waiting.set(answer(response, receipt, waitForClear, answer));
            }
        });
    }

    /** Answers an accepted update: at once, or once its version is published; returns the wait, if any. */
    private <T> CompletableFuture<?> answer(StreamObserver<T> response, UpdateReceipt receipt, boolean waitForClear,
            Function<UpdateReceipt, T> answer) {
        if (!waitForClear || receipt.cleared()) {
            response.onNext(answer.apply(receipt));
            response.onCompleted();
            return null;
        }
        CompletableFuture<?> cleared = oracle.whenCleared(receipt.version()).whenComplete((state, error) -> {
            if (error instanceof CancellationException) {
                return; // the client left (see below): nobody to answer
            }
            if (error != null) {
                response.onError(Status.UNAVAILABLE.withDescription("the update was accepted as version "
                        + receipt.version() + " but its re-clear failed (" + StatusMapping.toStatus(error)
                        .getStatus().getDescription() + "); the next successful re-clear includes it")
                        .asRuntimeException());
            } else {
                response.onNext(answer.apply(new UpdateReceipt(receipt.version(), true)));
                response.onCompleted();
            }
        });
        return cleared;
    }
}
