package io.tokenflow.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import java.util.concurrent.TimeUnit;

/** One chain of calls on one connection: at most one outstanding call at a time. */
final class QuoteSlot implements StreamObserver<QuoteResponse> {
    private final LoadRun run;
    private final ManagedChannel channel;
    private int next;
    private long issuedAt;
    private QuoteResponse last;
    // read by the main thread only after done.await() (CountDownLatch gives happens-before)
    long warmupOk;
    long minVersion = Long.MAX_VALUE;
    long maxVersion = Long.MIN_VALUE;
    long stale;
    int sampleBytes = -1;

    QuoteSlot(LoadRun run, ManagedChannel channel, int start) {
        this.run = run;
        this.channel = channel;
        this.next = start;
    }

    void issue() {
        QuoteRequest request = run.requests.get(next);
        next = next + 1 == run.requests.size() ? 0 : next + 1;
        last = null;
        issuedAt = System.nanoTime();
        ClientCalls.asyncUnaryCall(
                channel.newCall(run.method,
                        CallOptions.DEFAULT.withDeadlineAfter(run.deadlineMillis, TimeUnit.MILLISECONDS)),
                request, this);
    }

    @Override
    public void onNext(QuoteResponse response) {
        last = response;
    }

    @Override
    public void onError(Throwable t) {
        long now = System.nanoTime();
        Status.Code code = Status.fromThrowable(t).getCode();
        if (run.inWindow(issuedAt)) {
            run.measuredErrors.add(code);
        } else {
            run.warmupErrors.add(code);
        }
        if (run.firstError.compareAndSet(false, true)) {
            System.err.println(run.label + ": first error: " + Status.fromThrowable(t));
        }
        continueOrFinish(now);
    }

    @Override
    public void onCompleted() {
        long now = System.nanoTime();
        QuoteResponse response = last;
        if (run.inWindow(issuedAt)) {
            run.latency.recordValue(Math.min(now - issuedAt, LoadRun.HIGHEST_NANOS));
            long v = response.getMarketVersion();
            if (v < minVersion) {
                minVersion = v;
            }
            if (v > maxVersion) {
                maxVersion = v;
            }
            if (response.getStale()) {
                stale++;
            }
            if (sampleBytes < 0) {
                sampleBytes = response.getSerializedSize();
            }
        } else {
            warmupOk++;
        }
        continueOrFinish(now);
    }

    private void continueOrFinish(long now) {
        if (now < run.measureEnd) {
            issue();
        } else {
            run.done.countDown();
        }
    }
}
