package io.tokenflow.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Sends UpdateCapacity every period on its own connection; one update outstanding at a time. */
final class CapacityUpdater {
    private final ManagedChannel channel;
    private final LoadRun run;
    private final String node;
    private final String workloadClass;
    private final double original;
    private final double[] values;
    private final boolean waitForClear;
    private final long deadlineMillis;
    private final long periodMillis;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong maxAcknowledged = new AtomicLong(-1);
    private final AtomicLong minAcknowledged = new AtomicLong(Long.MAX_VALUE);
    private final Recorder latency = new Recorder(LoadRun.HIGHEST_NANOS, 3);
    final CodeCounts errors = new CodeCounts();
    final CodeCounts measuredErrors = new CodeCounts();
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder measuredOk = new LongAdder();
    final LongAdder notCleared = new LongAdder();
    final LongAdder notNewer = new LongAdder();
    private long tick;
    private volatile long maxOutstanding;

    private CapacityUpdater(ManagedChannel channel, LoadRun run, String node, String workloadClass, double original,
            double factor, boolean waitForClear, long deadlineMillis, long periodMillis) {
        this.channel = channel;
        this.run = run;
        this.node = node;
        this.workloadClass = workloadClass;
        this.original = original;
        this.values = new double[] {factor * original, original};
        this.waitForClear = waitForClear;
        this.deadlineMillis = deadlineMillis;
        this.periodMillis = periodMillis;
    }

    /**
     * The updater for {@code --update-node} x {@code --update-class}, or by default the node serving the first
     * priced origin x class (else the first positive capacity); throws if that capacity is not positive.
     */
    static CapacityUpdater forMarket(ManagedChannel control, LoadRun run, GetMarketResponse market, LoadOptions o) {
        String node = o.updateNode;
        String cls = o.updateClass;
        if (node == null || cls == null) {
            // default: the node serving the first priced origin x class, if it has capacity for that class
            for (var price : market.getResult().getPricesList()) {
                if (!price.getServingNode().isEmpty()
                        && capacity(market, price.getServingNode(), price.getWorkloadClass()) > 0) {
                    node = price.getServingNode();
                    cls = price.getWorkloadClass();
                    break;
                }
            }
        }
        if (node == null || cls == null) {
            for (var c : market.getCapacitiesList()) {
                if (c.getTokensPerSecond() > 0) {
                    node = c.getNode();
                    cls = c.getWorkloadClass();
                    break;
                }
            }
        }
        double capacity = node == null ? -1 : capacity(market, node, cls);
        if (!(capacity > 0)) {
            throw new IllegalStateException("no positive capacity to flip (node " + node + ", class " + cls + ")");
        }
        return new CapacityUpdater(control, run, node, cls, capacity, o.updateFactor, o.waitForClear(),
                o.deadlineMillis, o.updatePeriodMillis);
    }

    private static double capacity(GetMarketResponse market, String node, String cls) {
        for (var c : market.getCapacitiesList()) {
            if (c.getNode().equals(node) && c.getWorkloadClass().equals(cls)) {
                return c.getTokensPerSecond();
            }
        }
        return -1;
    }

    /** Runs on the scheduler thread, every period whether or not the last update was answered. */
    void tick() {
        long now = outstanding.incrementAndGet();
        if (now > maxOutstanding) {
            maxOutstanding = now;
        }
        double value = values[(int) (tick++ & 1)];
        // an update changes the capacity, so the version that includes it must be newer than every
        // version acknowledged before it was sent (concurrent updates may share one version)
        long newestBefore = maxAcknowledged.get();
        long issuedAt = System.nanoTime();
        sent.increment();
        ClientCalls.asyncUnaryCall(
                channel.newCall(PricingOracleGrpc.getUpdateCapacityMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)),
                request(value), new StreamObserver<UpdateCapacityResponse>() {
                    private UpdateCapacityResponse response;

                    @Override
                    public void onNext(UpdateCapacityResponse r) {
                        response = r;
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status.Code code = Status.fromThrowable(t).getCode();
                        errors.add(code);
                        if (run.inWindow(issuedAt)) {
                            measuredErrors.add(code);
                        }
                        System.err.println(run.label + ": UpdateCapacity error: " + Status.fromThrowable(t));
                        outstanding.decrementAndGet();
                    }

                    @Override
                    public void onCompleted() {
                        long now = System.nanoTime();
                        ok.increment();
                        if (run.inWindow(issuedAt)) {
                            measuredOk.increment();
                            latency.recordValue(Math.min(now - issuedAt, LoadRun.HIGHEST_NANOS));
                        }
                        if (!response.getCleared()) {
                            notCleared.increment();
                        }
                        long v = response.getMarketVersion();
                        if (v <= newestBefore) {
                            notNewer.increment();
                        }
                        maxAcknowledged.accumulateAndGet(v, Math::max);
                        minAcknowledged.accumulateAndGet(v, Math::min);
                        outstanding.decrementAndGet();
                    }
                });
    }

    UpdateCapacityRequest request(double value) {
        return UpdateCapacityRequest.newBuilder()
                .addUpdates(CapacityUpdate.newBuilder().setNode(node).setWorkloadClass(workloadClass)
                        .setTokensPerSecond(value))
                .setWaitForClear(waitForClear)
                .build();
    }

    /** Waits for the last outstanding update, then sets the capacity back to what it was. */
    boolean restore() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis + 1_000);
        while (outstanding.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        try {
            PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                    .updateCapacity(request(original).toBuilder().setWaitForClear(true).build());
            return true;
        } catch (RuntimeException e) {
            System.err.println(run.label + ": restoring the capacity failed: " + Status.fromThrowable(e));
            return false;
        }
    }

    Map<String, Object> report(long marketVersionBefore, long marketVersionAfter, boolean restored) {
        Histogram h = latency.getIntervalHistogram();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node);
        m.put("workload_class", workloadClass);
        m.put("values_tokens_per_second", List.of(values[0], values[1]));
        m.put("period_ms", periodMillis);
        m.put("wait_for_clear", waitForClear);
        m.put("sent", sent.sum());
        m.put("ok", ok.sum());
        m.put("errors", errors.total());
        m.put("errors_by_code", errors.nonZero());
        m.put("measured_ok", measuredOk.sum());
        m.put("measured_errors", measuredErrors.total());
        m.put("not_cleared", notCleared.sum());
        m.put("max_outstanding", maxOutstanding);
        long min = minAcknowledged.get();
        long max = maxAcknowledged.get();
        m.put("acknowledged_versions", min == Long.MAX_VALUE ? List.of() : List.of(min, max));
        m.put("not_newer_versions", notNewer.sum());
        m.put("market_version_before", marketVersionBefore);
        m.put("market_version_after", marketVersionAfter);
        m.put("versions_advanced", marketVersionAfter > marketVersionBefore && min != Long.MAX_VALUE
                && min > marketVersionBefore && max > min && notNewer.sum() == 0);
        m.put("restored", restored);
        m.put("latency_ms", LoadResults.percentiles(h));
        return m;
    }
}
