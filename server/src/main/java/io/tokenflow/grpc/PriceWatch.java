package io.tokenflow.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.service.MarketState;
import io.tokenflow.service.PublishedMarket;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One WatchPrices stream. New states arrive on the publishing thread and are only parked; they are
 * sent when the transport is ready (gRPC flow control), newest first wins: a slow reader skips
 * versions but every message is a whole table, so it never holds a mix. Writes to the stream happen
 * under one lock, since a StreamObserver is not thread-safe.
 */
final class PriceWatch implements Consumer<MarketState> {
    private final ServerCallStreamObserver<PriceTable> stream;
    private final Set<String> classIds;
    private final PublishedMarket market;
    private final Runnable onEnd;
    private final AtomicReference<MarketState> parked = new AtomicReference<>();
    private final Object sending = new Object();
    /** The version and stale flag of the last table sent (guarded by sending); -1: none yet. */
    private long sentVersion = -1;
    private boolean sentStale;
    private boolean ended;
    private Runnable unsubscribe = () -> {};

    PriceWatch(ServerCallStreamObserver<PriceTable> stream, Set<String> classIds, PublishedMarket market,
            Runnable onEnd) {
        this.stream = stream;
        this.classIds = classIds;
        this.market = market;
        this.onEnd = onEnd;
    }

    void start() {
        stream.setOnCancelHandler(this::release);
        stream.setOnReadyHandler(this::drain);
        unsubscribe = market.subscribe(this);
        accept(market.state());
    }

    /**
     * Parks the newest state: a later version wins; within one version the later arrival wins, since the
     * stale flag goes both ways (stale when a re-clear fails or a replica loses its leader, fresh again
     * when it recovers) and only the last word is true.
     */
    @Override
    public void accept(MarketState state) {
        parked.accumulateAndGet(state, (old, now) -> old == null || now.version() >= old.version() ? now : old);
        drain();
    }

    private void drain() {
        synchronized (sending) {
            while (!ended && stream.isReady()) {
                MarketState next = parked.getAndSet(null);
                if (next == null) {
                    return;
                }
                boolean news = next.version() > sentVersion
                        || (next.version() == sentVersion && next.stale() != sentStale);
                if (!news) {
                    continue;
                }
                sentVersion = next.version();
                sentStale = next.stale();
                stream.onNext(ProtoMapping.priceTable(next, classIds, market));
            }
        }
    }

    /** Ends the stream with UNAVAILABLE so the client reconnects (to this server restarted, or another). */
    void shutdown() {
        synchronized (sending) {
            if (!ended) {
                ended = true;
                stream.onError(Status.UNAVAILABLE.withDescription("the oracle is shutting down").asRuntimeException());
            }
        }
        release();
    }

    private void release() {
        synchronized (sending) {
            ended = true;
        }
        unsubscribe.run();
        onEnd.run();
    }
}
