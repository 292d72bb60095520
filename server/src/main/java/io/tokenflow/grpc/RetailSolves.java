package io.tokenflow.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.RetailEquilibriumRequest;
import io.tokenflow.api.v1.RetailEquilibriumResponse;
import io.tokenflow.market.retail.InvalidGameException;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.RetailPricing;
import io.tokenflow.market.retail.SitePrices;
import io.tokenflow.service.MarketSnapshot;
import io.tokenflow.service.Oracle;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RetailEquilibrium's work: a game solved against the current version's site prices on a small bounded
 * pool, because a large game takes CPU seconds and the handlers run on the transport threads. A full pool
 * and queue answer RESOURCE_EXHAUSTED at once; a call whose deadline passed or that was cancelled while it
 * waited is not solved. Thread-safe.
 */
final class RetailSolves {
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors() / 2));
    static final int QUEUE = 8;

    private final Oracle oracle;
    private final ThreadPoolExecutor pool;

    RetailSolves(Oracle oracle) {
        this.oracle = oracle;
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "tokenflow-retail-" + count.incrementAndGet());
            t.setDaemon(true); // a solve in progress never holds the JVM open
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    void solve(RetailEquilibriumRequest request, StreamObserver<RetailEquilibriumResponse> response) {
        RetailGame game;
        MarketSnapshot snapshot;
        try {
            snapshot = oracle.state().snapshot(); // a replica without a version yet: UNAVAILABLE
            if (request.getCurvePoints() > RetailPricing.MAX_CURVE_POINTS) {
                throw new IllegalArgumentException("curve_points must be <= " + RetailPricing.MAX_CURVE_POINTS + ", got "
                        + Integer.toUnsignedString(request.getCurvePoints()));
            }
            game = RetailMapping.game(request.getGame());
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
            return;
        }
        Context context = Context.current();
        Runnable work = context.wrap(() -> {
            if (context.isCancelled()) {
                return; // the deadline passed or the caller left while it waited: nobody to answer
            }
            RetailEquilibriumResponse answer;
            try {
                SitePrices prices = SitePrices.of(snapshot.scenario(), snapshot.result());
                RetailAnswer solved;
                try {
                    solved = RetailPricing.answer(game, Optional.of(prices), request.getCurvePoints());
                } catch (InvalidGameException e) {
                    throw RetailMapping.renamed(e);
                }
                answer = RetailMapping.answer(solved, snapshot.version());
            } catch (RuntimeException e) {
                response.onError(StatusMapping.toStatus(e));
                return;
            }
            if (context.isCancelled()) {
                return; // the caller gave up while it was solving: the engine cannot be interrupted, only not answered
            }
            response.onNext(answer);
            response.onCompleted();
        });
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            response.onError(Status.RESOURCE_EXHAUSTED.withDescription("the oracle is already solving " + THREADS
                    + " retail games with " + QUEUE + " waiting; retry after a pause").asRuntimeException());
        }
    }

    /** Stops taking games; those solving finish on their own (daemon threads). */
    void shutdown() {
        pool.shutdownNow();
    }
}
