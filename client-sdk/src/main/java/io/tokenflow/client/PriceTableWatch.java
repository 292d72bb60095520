package io.tokenflow.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.WatchRequest;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The WatchPrices stream that keeps a client's local table: one stream at a time, reconnected with
 * exponential backoff (the builder's initial/max, reset when a message arrives) after it ends or fails,
 * and ended by a liveness probe when its oracle stops answering (the oracle sends tables only on change,
 * so silence alone cannot tell a quiet market from a frozen oracle).
 *
 * <p>Thread-safe. The table is one immutable {@link LocalTable} in an {@link AtomicReference}, swapped
 * whole per message: readers never lock and never see a mix of two versions. Stream state (the current
 * call, the backoff) is guarded by {@code lock}; a callback of a stream that is no longer current (it
 * ended, or the watch was closed) changes nothing.
 */
final class PriceTableWatch {
    private final PricingOracleGrpc.PricingOracleStub async;
    private final WatchRequest request;
    private final Clock clock;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final TableListener listener;
    private final ScheduledExecutorService reconnects;
    private final HealthGrpc.HealthStub health;
    private final long probeEveryNanos;
    private final long probeTimeoutNanos;

    private final AtomicReference<LocalTable> table = new AtomicReference<>();
    private volatile boolean connected;
    private final Object lock = new Object();
    /** Set once by {@link #close} (guarded by lock). */
    private boolean closed;
    /** The current stream (guarded by lock), cancelled on close. */
    private ClientCallStreamObserver<WatchRequest> stream;
    /** Backoff before the next reconnect (guarded by lock). */
    private long backoffNanos;

    PriceTableWatch(PricingOracleGrpc.PricingOracleStub async, HealthGrpc.HealthStub health,
            PricingOracleClientBuilder b) {
        this.async = async;
        this.health = health;
        this.probeEveryNanos = b.probeEvery.toNanos();
        this.probeTimeoutNanos = b.probeTimeout.toNanos();
        this.request = WatchRequest.newBuilder().addAllWorkloadClasses(b.watchClasses).build();
        this.clock = b.clock;
        this.initialBackoffNanos = b.initialBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.backoffNanos = initialBackoffNanos;
        this.listener = b.tableListener.orElse(null);
        this.reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokenflow-client-watch");
            t.setDaemon(true);
            return t;
        });
    }

    PriceTableWatch start() {
        synchronized (lock) {
            if (!closed) {
                async.watchPrices(request, new Watcher());
            }
        }
        return this;
    }

    /** Starts the stream and the liveness probe. */
    PriceTableWatch startWithProbe() {
        start();
        reconnects.scheduleWithFixedDelay(this::probe, probeEveryNanos, probeEveryNanos, TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * Asks the health service whether the oracle is there; a stream whose oracle does not answer in time
     * is cancelled, which ends it like any lost stream (the listener hears of it, a reconnect follows).
     * Any answer, SERVING or not, is alive: NOT_SERVING oracles still send what they have.
     */
    private void probe() {
        ClientCallStreamObserver<WatchRequest> current;
        synchronized (lock) {
            current = connected ? stream : null;
        }
        if (current == null) {
            return;
        }
        health.withDeadlineAfter(probeTimeoutNanos, TimeUnit.NANOSECONDS).check(
                HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        Status status = Status.fromThrowable(t);
                        if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                            return; // an oracle without a health service: nothing to judge by
                        }
                        current.cancel("the oracle did not answer a health check within "
                                + TimeUnit.NANOSECONDS.toMillis(probeTimeoutNanos) + " ms (" + status.getCode() + ")",
                                null);
                    }

                    @Override
                    public void onCompleted() {}
                });
    }

    /** The last table received, whether or not the stream is still up; null before the first. */
    LocalTable table() {
        return table.get();
    }

    /** Whether a message arrived on the current stream and it has not ended. */
    boolean connected() {
        return connected;
    }

    void close() {
        ClientCallStreamObserver<WatchRequest> s;
        synchronized (lock) {
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
        reconnects.shutdownNow();
    }

    private final class Watcher implements ClientResponseObserver<WatchRequest, PriceTable> {
        private ClientCallStreamObserver<WatchRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            this.call = requestStream;
            synchronized (lock) {
                stream = requestStream;
            }
        }

        @Override
        public void onNext(PriceTable message) {
            LocalTable next = new LocalTable(message, clock.millis());
            synchronized (lock) {
                if (closed || stream != call) {
                    return;
                }
                table.set(next);
                connected = true;
                backoffNanos = initialBackoffNanos;
            }
            if (listener != null) {
                listener.tableArrived(message.getMarketVersion(), message.getStale());
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            ended(status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription()));
        }

        @Override
        public void onCompleted() {
            ended("the oracle ended the price stream");
        }

        private void ended(String why) {
            synchronized (lock) {
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
                    reconnects.schedule(PriceTableWatch.this::start, delay, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    return; // closing
                }
            }
            if (listener != null) {
                listener.streamLost(why);
            }
        }
    }
}
