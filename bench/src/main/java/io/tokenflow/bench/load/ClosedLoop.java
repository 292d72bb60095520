package io.tokenflow.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop run of {@link LoadDriver}: the request list, the quiet gate, a preflight call per
 * connection, then {@code channels x in-flight} {@link QuoteSlot}s (and the {@link CapacityUpdater}) over
 * the warm-up and the measured window, the CPU sampled at both ends of the window.
 */
final class ClosedLoop {
    private ClosedLoop() {}

    /**
     * {@code targets}: one or more servers of the same market; connection {@code i} goes to target
     * {@code i mod n} (round-robin), updates and the request list to the first (the leader).
     */
    static Map<String, Object> run(LoadOptions o, List<InetSocketAddress> targets) throws Exception {
        InetSocketAddress target = targets.get(0);
        MethodDescriptor<QuoteRequest, QuoteResponse> method =
                o.service.equals("echo") ? EchoServer.QUOTE : PricingOracleGrpc.getQuoteMethod();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < o.channels; i++) {
            channels.add(Loopback.channel(targets.get(i % targets.size())));
        }
        ManagedChannel control = Loopback.channel(target);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-scheduler");
            t.setDaemon(true);
            return t;
        });
        try {
            List<QuoteRequest> requests = o.requests != null ? readRequests(o.requests) : marketRequests(control, o);
            if (requests.isEmpty()) {
                throw new IllegalStateException("no requests to send");
            }
            Map<String, Object> quiet = QuietGate.waitForQuiet(o);
            // preflight: one call per connection, so that connections are up and the method exists
            for (ManagedChannel ch : channels) {
                try {
                    ClientCalls.blockingUnaryCall(ch, method,
                            CallOptions.DEFAULT.withDeadlineAfter(o.deadlineMillis, TimeUnit.MILLISECONDS), requests.get(0));
                } catch (StatusRuntimeException e) {
                    throw new IllegalStateException("preflight " + method.getFullMethodName() + " on " + o.target
                            + " failed: " + e.getStatus(), e);
                }
            }
            LoadRun run = new LoadRun(o.label, method, requests, o.deadlineMillis, o.channels * o.inFlight);

            CapacityUpdater updater = null;
            long versionBefore = -1;
            if (o.updates) {
                GetMarketResponse market = getMarket(control, o);
                versionBefore = market.getMarketVersion();
                updater = CapacityUpdater.forMarket(control, run, market, o);
            }

            long warmupNanos = (long) (o.warmupSeconds * 1e9);
            long measureNanos = (long) (o.measureSeconds * 1e9);
            long t0 = System.nanoTime();
            run.measureStart = t0 + warmupNanos;
            run.measureEnd = run.measureStart + measureNanos;
            List<ProcessHandle> server = o.serverPids.stream().map(ProcessHandle::of).flatMap(Optional::stream)
                    .toList();
            CpuSample[] samples = new CpuSample[2];
            scheduler.schedule(() -> samples[0] = CpuSample.take(server), warmupNanos, TimeUnit.NANOSECONDS);
            scheduler.schedule(() -> samples[1] = CpuSample.take(server), warmupNanos + measureNanos,
                    TimeUnit.NANOSECONDS);
            ScheduledFuture<?> updates = null;
            if (updater != null) {
                CapacityUpdater u = updater;
                updates = scheduler.scheduleAtFixedRate(u::tick, 0, o.updatePeriodMillis, TimeUnit.MILLISECONDS);
            }
            System.err.printf(Locale.ROOT, "%s: %s %s, %d x %d in flight, %d requests, %.0f s warm-up + %.0f s measured%n",
                    o.label, method.getFullMethodName(), o.target, o.channels, o.inFlight, requests.size(),
                    o.warmupSeconds, o.measureSeconds);
            List<QuoteSlot> slots = new ArrayList<>();
            for (int c = 0; c < o.channels; c++) {
                for (int s = 0; s < o.inFlight; s++) {
                    slots.add(new QuoteSlot(run, channels.get(c), (c * o.inFlight + s) % requests.size()));
                }
            }
            for (QuoteSlot s : slots) {
                s.issue();
            }
            long drainMillis = TimeUnit.NANOSECONDS.toMillis(warmupNanos + measureNanos) + o.deadlineMillis + 5_000;
            boolean drained = run.done.await(drainMillis, TimeUnit.MILLISECONDS);
            if (updates != null) {
                updates.cancel(false);
            }
            long versionAfter = -1;
            boolean restored = false;
            if (updater != null) {
                // the scheduler is single-threaded: a submitted no-op runs after the last tick finished
                scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS);
                restored = updater.restore();
                versionAfter = getMarket(control, o).getMarketVersion();
            }
            scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS);

            Histogram h = run.latency.getIntervalHistogram();
            long measuredOk = h.getTotalCount();
            long measuredErrors = run.measuredErrors.total();
            long warmupErrors = run.warmupErrors.total();
            double seconds = measureNanos / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", o.label);
            m.put("service", o.service);
            m.put("method", method.getFullMethodName());
            m.put("target", o.target);
            m.put("channels", o.channels);
            m.put("in_flight_per_channel", o.inFlight);
            m.put("requests_cycled", requests.size());
            m.put("warmup_s", o.warmupSeconds);
            m.put("measure_s", o.measureSeconds);
            m.put("deadline_ms", o.deadlineMillis);
            m.put("started_at", Instant.now().minusNanos(System.nanoTime() - t0).toString());
            m.put("completed", drained);
            m.put("qps", measuredOk / seconds);
            m.put("measured_ok", measuredOk);
            m.put("latency_ms", LoadResults.percentiles(h));
            m.put("errors", measuredErrors + warmupErrors + (drained ? 0 : run.done.getCount()));
            m.put("measured_errors", measuredErrors);
            m.put("measured_errors_by_code", run.measuredErrors.nonZero());
            m.put("warmup_errors", warmupErrors);
            m.put("warmup_errors_by_code", run.warmupErrors.nonZero());
            m.put("warmup_ok", slots.stream().mapToLong(s -> s.warmupOk).sum());
            m.put("undrained_calls", drained ? 0 : run.done.getCount());
            long minV = slots.stream().mapToLong(s -> s.minVersion).min().orElse(Long.MAX_VALUE);
            long maxV = slots.stream().mapToLong(s -> s.maxVersion).max().orElse(Long.MIN_VALUE);
            m.put("quote_versions_seen", minV == Long.MAX_VALUE ? List.of() : List.of(minV, maxV));
            m.put("stale_quotes", slots.stream().mapToLong(s -> s.stale).sum());
            m.put("response_bytes_sample", slots.stream().mapToInt(s -> s.sampleBytes).max().orElse(-1));
            Map<String, Object> cpu = CpuSample.report(samples[0], samples[1], measuredOk);
            m.put("cpu", cpu);
            m.put("quiet_gate", quiet);
            if (updater != null) {
                m.put("updates", updater.report(versionBefore, versionAfter, restored));
            }
            LoadResults.print(m);
            return m;
        } finally {
            scheduler.shutdownNow();
            for (ManagedChannel ch : channels) {
                ch.shutdownNow();
            }
            control.shutdownNow();
            for (ManagedChannel ch : channels) {
                ch.awaitTermination(2, TimeUnit.SECONDS);
            }
            control.awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    private static GetMarketResponse getMarket(ManagedChannel control, LoadOptions o) {
        return PricingOracleGrpc.newBlockingStub(control).withDeadlineAfter(o.deadlineMillis, TimeUnit.MILLISECONDS)
                .getMarket(GetMarketRequest.getDefaultInstance());
    }

    /** Every origin x class of the oracle's GetMarket (the options ensure it is the oracle). */
    private static List<QuoteRequest> marketRequests(ManagedChannel control, LoadOptions o) {
        return OracleProbe.requests(getMarket(control, o));
    }

    /** {@code origin<TAB>class} per line; blank lines and lines starting with '#' are skipped. */
    static List<QuoteRequest> readRequests(Path file) throws IOException {
        List<QuoteRequest> requests = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\t");
            if (parts.length != 2) {
                throw new IllegalArgumentException(file + ": expected origin<TAB>class, got '" + line + "'");
            }
            requests.add(QuoteRequest.newBuilder().setOrigin(parts[0]).setWorkloadClass(parts[1]).build());
        }
        return List.copyOf(requests);
    }
}
