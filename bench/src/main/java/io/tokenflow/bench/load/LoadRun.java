package io.tokenflow.bench.load;

import io.grpc.MethodDescriptor;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Recorder;

/** The state of one run that its {@link QuoteSlot}s (and the {@link CapacityUpdater}) share. */
final class LoadRun {
    /** Latencies above this are recorded as this. */
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    final String label;
    final MethodDescriptor<QuoteRequest, QuoteResponse> method;
    final List<QuoteRequest> requests;
    final long deadlineMillis;
    final Recorder latency = new Recorder(HIGHEST_NANOS, 3);
    final CodeCounts warmupErrors = new CodeCounts();
    final CodeCounts measuredErrors = new CodeCounts();
    final AtomicBoolean firstError = new AtomicBoolean();
    final CountDownLatch done;
    volatile long measureStart = Long.MAX_VALUE;
    volatile long measureEnd = Long.MAX_VALUE;

    LoadRun(String label, MethodDescriptor<QuoteRequest, QuoteResponse> method, List<QuoteRequest> requests,
            long deadlineMillis, int slots) {
        this.label = label;
        this.method = method;
        this.requests = requests;
        this.deadlineMillis = deadlineMillis;
        this.done = new CountDownLatch(slots);
    }

    /** Whether a call issued at {@code issuedAt} (System.nanoTime()) falls in the measured window. */
    boolean inWindow(long issuedAt) {
        return issuedAt >= measureStart && issuedAt < measureEnd;
    }
}
