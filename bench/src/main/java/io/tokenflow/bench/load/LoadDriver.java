package io.tokenflow.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop Quote load against the oracle or the echo baseline, on loopback only.
 *
 * <p>{@code channels} HTTP/2 connections, each with {@code in-flight} calls outstanding; each completion
 * issues the next call on its slot until the end of the measurement. The slots cycle through the request
 * list (every origin x class). Latency is System.nanoTime() from issuing a call to its completion, recorded
 * into an HdrHistogram for every call <em>issued</em> inside the measurement window; QPS is that count over
 * the window. Warm-up calls are counted (errors included) but not timed. Each call has a deadline; errors are
 * counted by status code, warm-up and measurement apart.
 *
 * <p>With {@code --updates}, a second task sends UpdateCapacity every {@code --update-period-ms} (100 ms) for
 * one node x class on its own connection, alternating 80 % of the capacity in force and the capacity in force
 * (restored at the end), with {@code wait_for_clear} so that each acknowledged update is a cleared version;
 * it counts updates, update errors, and the versions seen (updates, quotes, and GetMarket before and after).
 *
 * <p>Run {@code java -cp ... io.tokenflow.bench.load.LoadDriver --help} for the options.
 */
public final class LoadDriver {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private LoadDriver() {}

    // ---------------------------------------------------------------- options

    static final class Options {
        String target;
        String service = "oracle";
        String label;
        Path requests;
        int channels = 2;
        int inFlight = 32;
        double warmupSeconds = 5;
        double quietBelowCores = 0.5;
        double quietWaitSeconds = 60;
        double measureSeconds = 20;
        long deadlineMillis = 5_000;
        boolean updates;
        long updatePeriodMillis = 100;
        String updateNode;
        String updateClass;
        double updateFactor = 0.8;
        boolean waitForClear = true;
        List<Long> serverPids = new ArrayList<>();
        Path json;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--target" -> o.target = args[++i];
                    case "--service" -> o.service = args[++i];
                    case "--label" -> o.label = args[++i];
                    case "--requests" -> o.requests = Path.of(args[++i]);
                    case "--channels" -> o.channels = Integer.parseInt(args[++i]);
                    case "--in-flight" -> o.inFlight = Integer.parseInt(args[++i]);
                    case "--warmup-s" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                    case "--measure-s" -> o.measureSeconds = Double.parseDouble(args[++i]);
                    case "--deadline-ms" -> o.deadlineMillis = Long.parseLong(args[++i]);
                    case "--updates" -> o.updates = true;
                    case "--update-period-ms" -> o.updatePeriodMillis = Long.parseLong(args[++i]);
                    case "--update-node" -> o.updateNode = args[++i];
                    case "--update-class" -> o.updateClass = args[++i];
                    case "--update-factor" -> o.updateFactor = Double.parseDouble(args[++i]);
                    case "--no-wait-for-clear" -> o.waitForClear = false;
                    case "--server-pid" -> {
                        for (String pid : args[++i].split(",")) {
                            o.serverPids.add(Long.parseLong(pid.trim()));
                        }
                    }
                    case "--json" -> o.json = Path.of(args[++i]);
                    case "--quiet-below" -> o.quietBelowCores = Double.parseDouble(args[++i]);
                    case "--quiet-wait-s" -> o.quietWaitSeconds = Double.parseDouble(args[++i]);
                    case "--help", "-h" -> {
                        usage();
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                }
            }
            if (o.target == null) {
                throw new IllegalArgumentException("--target host:port is required");
            }
            if (!o.service.equals("oracle") && !o.service.equals("echo")) {
                throw new IllegalArgumentException("--service must be oracle or echo");
            }
            if (o.updates && !o.service.equals("oracle")) {
                throw new IllegalArgumentException("--updates needs --service oracle");
            }
            if (o.channels < 1 || o.inFlight < 1) {
                throw new IllegalArgumentException("--channels and --in-flight must be >= 1");
            }
            if (!(o.warmupSeconds >= 0 && o.warmupSeconds <= 600 && o.measureSeconds > 0 && o.measureSeconds <= 600)) {
                throw new IllegalArgumentException("--warmup-s must be in [0, 600] and --measure-s in (0, 600]");
            }
            if (o.label == null) {
                o.label = o.service + (o.updates ? "+updates" : "");
            }
            return o;
        }

        static void usage() {
            System.out.println("""
                    usage: LoadDriver --target 127.0.0.1:PORT[,127.0.0.1:PORT...] [options] (connections round-robin over the targets)
                      --service oracle|echo     method to call: tokenflow.v1.PricingOracle/Quote (default) or
                                                tokenflow.bench.Echo/Quote
                      --requests FILE           origin<TAB>class per line; default (oracle only): every
                                                origin x class of GetMarket's result.prices
                      --channels N              connections (default 2)
                      --in-flight M             calls outstanding per connection (default 32)
                      --warmup-s S              warm-up seconds, not timed (default 5)
                      --measure-s S             measured seconds (default 20)
                      --deadline-ms MS          per-call deadline (default 5000)
                      --updates                 also send UpdateCapacity every --update-period-ms (default 100)
                      --update-node ID --update-class ID
                                                the capacity to flip (default: a node x class serving the
                                                first priced origin x class)
                      --update-factor F         alternate F x capacity and capacity (default 0.8)
                      --no-wait-for-clear       do not ask updates to wait for their clear
                      --server-pid PID[,PID...] report those processes' CPU time (summed) over the window
                      --label NAME              name of this run in the output
                      --json FILE               also write the figures as JSON
                      --quiet-below CORES       before starting, wait until the machine's busy cores over 1 s
                                                are below CORES (default 0.5; other processes' load) ...
                      --quiet-wait-s S          ... for at most S seconds (default 60; 0: do not wait)
                    """);
        }
    }

    // ---------------------------------------------------------------- shared counters

    /** Counts by grpc status code. */
    static final class CodeCounts {
        private final AtomicLongArray counts = new AtomicLongArray(Status.Code.values().length);

        void add(Status.Code code) {
            counts.incrementAndGet(code.value());
        }

        long total() {
            long t = 0;
            for (int i = 0; i < counts.length(); i++) {
                t += counts.get(i);
            }
            return t;
        }

        Map<String, Long> nonZero() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Status.Code c : Status.Code.values()) {
                long n = counts.get(c.value());
                if (n > 0) {
                    m.put(c.name(), n);
                }
            }
            return m;
        }
    }

    /** One chain of calls on one connection: at most one outstanding call at a time. */
    private static final class Slot implements StreamObserver<QuoteResponse> {
        private final Run run;
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

        Slot(Run run, ManagedChannel channel, int start) {
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
                    channel.newCall(run.method, CallOptions.DEFAULT.withDeadlineAfter(run.deadlineMillis, TimeUnit.MILLISECONDS)),
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
            if (issuedAt >= run.measureStart && issuedAt < run.measureEnd) {
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
            if (issuedAt >= run.measureStart && issuedAt < run.measureEnd) {
                run.latency.recordValue(Math.min(now - issuedAt, HIGHEST_NANOS));
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

    /** The state of one run that the slots share. */
    private static final class Run {
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

        Run(String label, MethodDescriptor<QuoteRequest, QuoteResponse> method, List<QuoteRequest> requests,
                long deadlineMillis, int slots) {
            this.label = label;
            this.method = method;
            this.requests = requests;
            this.deadlineMillis = deadlineMillis;
            this.done = new CountDownLatch(slots);
        }
    }

    // ---------------------------------------------------------------- capacity updater

    /** Sends UpdateCapacity every period on its own connection; one update outstanding at a time. */
    private static final class Updater {
        private final ManagedChannel channel;
        private final Run run;
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
        private final Recorder latency = new Recorder(HIGHEST_NANOS, 3);
        final CodeCounts errors = new CodeCounts();
        final CodeCounts measuredErrors = new CodeCounts();
        final LongAdder sent = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder measuredOk = new LongAdder();
        final LongAdder notCleared = new LongAdder();
        final LongAdder notNewer = new LongAdder();
        private long tick;
        private volatile long maxOutstanding;

        Updater(ManagedChannel channel, Run run, String node, String workloadClass, double original,
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
                            if (inWindow(issuedAt)) {
                                measuredErrors.add(code);
                            }
                            System.err.println(run.label + ": UpdateCapacity error: " + Status.fromThrowable(t));
                            outstanding.decrementAndGet();
                        }

                        @Override
                        public void onCompleted() {
                            long now = System.nanoTime();
                            ok.increment();
                            if (inWindow(issuedAt)) {
                                measuredOk.increment();
                                latency.recordValue(Math.min(now - issuedAt, HIGHEST_NANOS));
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

        private boolean inWindow(long issuedAt) {
            return issuedAt >= run.measureStart && issuedAt < run.measureEnd;
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
            m.put("latency_ms", percentiles(h));
            return m;
        }
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadDriver: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<InetSocketAddress> target = new ArrayList<>();
        try {
            for (String t : o.target.split(",")) {
                target.add(Loopback.target(t.trim()));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("LoadDriver: " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Object> result;
        try {
            result = run(o, target);
        } catch (IllegalStateException | StatusRuntimeException e) {
            System.err.println("LoadDriver: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (o.json != null) {
            Files.createDirectories(o.json.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.json.toFile(), result);
        }
        System.exit(Boolean.TRUE.equals(result.get("completed")) ? 0 : 1);
    }

    static ManagedChannel channel(InetSocketAddress target) {
        return NettyChannelBuilder.forAddress(target).usePlaintext().directExecutor().build();
    }

    /**
     * {@code targets}: one or more servers of the same market; connection {@code i} goes to target
     * {@code i mod n} (round-robin), updates and the request list to the first (the leader).
     */
    static Map<String, Object> run(Options o, List<InetSocketAddress> targets) throws Exception {
        InetSocketAddress target = targets.get(0);
        MethodDescriptor<QuoteRequest, QuoteResponse> method =
                o.service.equals("echo") ? EchoServer.QUOTE : PricingOracleGrpc.getQuoteMethod();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < o.channels; i++) {
            channels.add(channel(targets.get(i % targets.size())));
        }
        ManagedChannel control = channel(target);
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
            Map<String, Object> quiet = waitForQuiet(o);
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
            Run run = new Run(o.label, method, requests, o.deadlineMillis, o.channels * o.inFlight);

            Updater updater = null;
            long versionBefore = -1;
            if (o.updates) {
                GetMarketResponse market = getMarket(control, o);
                versionBefore = market.getMarketVersion();
                updater = updater(control, run, market, o);
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
                Updater u = updater;
                updates = scheduler.scheduleAtFixedRate(u::tick, 0, o.updatePeriodMillis, TimeUnit.MILLISECONDS);
            }
            System.err.printf(Locale.ROOT, "%s: %s %s, %d x %d in flight, %d requests, %.0f s warm-up + %.0f s measured%n",
                    o.label, method.getFullMethodName(), o.target, o.channels, o.inFlight, requests.size(),
                    o.warmupSeconds, o.measureSeconds);
            List<Slot> slots = new ArrayList<>();
            for (int c = 0; c < o.channels; c++) {
                for (int s = 0; s < o.inFlight; s++) {
                    slots.add(new Slot(run, channels.get(c), (c * o.inFlight + s) % requests.size()));
                }
            }
            for (Slot s : slots) {
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
            m.put("latency_ms", percentiles(h));
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
            print(m);
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

    /**
     * Waits (bounded) until the machine is nearly idle, so that a run does not start while another
     * process (a build, say) holds the cores the server and driver share. Linux only; else a no-op.
     */
    private static Map<String, Object> waitForQuiet(Options o) throws InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        long start = System.nanoTime();
        long limit = start + (long) (o.quietWaitSeconds * 1e9);
        int cores = Runtime.getRuntime().availableProcessors();
        double busy = Double.NaN;
        boolean quiet = false;
        if (o.quietWaitSeconds > 0) {
            CpuSample a = CpuSample.take(List.of());
            while (a.machineTotalTicks() >= 0) {
                Thread.sleep(1_000);
                CpuSample b = CpuSample.take(List.of());
                long total = b.machineTotalTicks() - a.machineTotalTicks();
                busy = total > 0 ? (double) (b.machineBusyTicks() - a.machineBusyTicks()) / total * cores : Double.NaN;
                if (busy < o.quietBelowCores) {
                    quiet = true;
                    break;
                }
                if (System.nanoTime() > limit) {
                    break;
                }
                a = b;
            }
            if (!quiet && !Double.isNaN(busy)) {
                System.err.printf(Locale.ROOT, "%s: the machine stayed busy (%.2f cores) for %.0f s; starting anyway%n",
                        o.label, busy, o.quietWaitSeconds);
            }
        }
        m.put("below_cores", o.quietBelowCores);
        m.put("quiet", quiet);
        m.put("waited_s", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        m.put("last_busy_cores", Double.isNaN(busy) ? null : Math.round(busy * 100) / 100.0);
        return m;
    }

    private static GetMarketResponse getMarket(ManagedChannel control, Options o) {
        return PricingOracleGrpc.newBlockingStub(control).withDeadlineAfter(o.deadlineMillis, TimeUnit.MILLISECONDS)
                .getMarket(GetMarketRequest.getDefaultInstance());
    }

    private static List<QuoteRequest> marketRequests(ManagedChannel control, Options o) {
        if (!o.service.equals("oracle")) {
            throw new IllegalArgumentException("--service echo needs --requests FILE (the echo has no GetMarket)");
        }
        return OracleProbe.requests(getMarket(control, o));
    }

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

    private static Updater updater(ManagedChannel control, Run run, GetMarketResponse market, Options o) {
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
        return new Updater(control, run, node, cls, capacity, o.updateFactor, o.waitForClear, o.deadlineMillis,
                o.updatePeriodMillis);
    }

    private static double capacity(GetMarketResponse market, String node, String cls) {
        for (var c : market.getCapacitiesList()) {
            if (c.getNode().equals(node) && c.getWorkloadClass().equals(cls)) {
                return c.getTokensPerSecond();
            }
        }
        return -1;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("mean", round(h.getMean() / 1e6));
        m.put("p50", round(h.getValueAtPercentile(50) / 1e6));
        m.put("p90", round(h.getValueAtPercentile(90) / 1e6));
        m.put("p99", round(h.getValueAtPercentile(99) / 1e6));
        m.put("p99_9", round(h.getValueAtPercentile(99.9) / 1e6));
        m.put("max", round(h.getMaxValue() / 1e6));
        return m;
    }

    private static double round(double millis) {
        return Math.round(millis * 1e4) / 1e4;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> m) {
        Map<String, Object> lat = (Map<String, Object>) m.get("latency_ms");
        Map<String, Object> cpu = (Map<String, Object>) m.get("cpu");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %dx%d: %.0f QPS, latency ms p50 %s p90 %s p99 %s p99.9 %s max %s,"
                        + " errors %d (measured %s, warm-up %s)",
                m.get("label"), (Integer) m.get("channels"), (Integer) m.get("in_flight_per_channel"),
                (Double) m.get("qps"), lat.get("p50"), lat.get("p90"), lat.get("p99"), lat.get("p99_9"), lat.get("max"),
                (Long) m.get("errors"), m.get("measured_errors_by_code"), m.get("warmup_errors_by_code")));
        if (cpu.containsKey("machine_busy_cores")) {
            sb.append(String.format(Locale.ROOT, "; machine busy %.2f of %d cores", cpu.get("machine_busy_cores"),
                    (Integer) cpu.get("cores")));
        }
        if (cpu.containsKey("server_cores")) {
            sb.append(String.format(Locale.ROOT, ", server %.2f cores (%.1f us CPU/call), driver %.2f cores",
                    cpu.get("server_cores"), cpu.get("server_cpu_us_per_call"), cpu.get("driver_cores")));
        }
        if (m.containsKey("updates")) {
            Map<String, Object> u = (Map<String, Object>) m.get("updates");
            sb.append(String.format(Locale.ROOT, "%n  updates %s x %s: %d sent, %d ok, %d errors, acknowledged versions %s"
                            + " (GetMarket %s -> %s), quotes saw versions %s",
                    u.get("node"), u.get("workload_class"), (Long) u.get("sent"), (Long) u.get("ok"),
                    (Long) u.get("errors"), u.get("acknowledged_versions"),
                    u.get("market_version_before"), u.get("market_version_after"), m.get("quote_versions_seen")));
        }
        System.out.println(sb);
    }

    // ---------------------------------------------------------------- CPU accounting

    /** CPU times at one instant: machine-wide from /proc/stat, this JVM's and the server's. */
    record CpuSample(long wallNanos, long machineBusyTicks, long machineTotalTicks, long driverCpuNanos,
            long serverCpuNanos) {
        static CpuSample take(List<ProcessHandle> server) {
            long busy = -1;
            long total = -1;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                total = 0;
                long idle = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v; // idle, iowait
                    }
                }
                busy = total - idle;
            } catch (IOException | RuntimeException e) {
                // not Linux: leave the machine figures out
            }
            long driver = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
            long srv = server.isEmpty() ? -1 : 0;
            for (ProcessHandle p : server) {
                long one = p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
                srv = srv < 0 || one < 0 ? -1 : srv + one;
            }
            return new CpuSample(System.nanoTime(), busy, total, driver, srv);
        }

        static Map<String, Object> report(CpuSample a, CpuSample b, long calls) {
            Map<String, Object> m = new LinkedHashMap<>();
            int cores = Runtime.getRuntime().availableProcessors();
            m.put("cores", cores);
            if (a == null || b == null) {
                return m;
            }
            double wall = (b.wallNanos - a.wallNanos) / 1e9;
            if (a.machineTotalTicks >= 0 && b.machineTotalTicks > a.machineTotalTicks) {
                double share = (double) (b.machineBusyTicks - a.machineBusyTicks) / (b.machineTotalTicks - a.machineTotalTicks);
                m.put("machine_busy_cores", Math.round(share * cores * 100) / 100.0);
            }
            if (a.driverCpuNanos >= 0 && b.driverCpuNanos >= 0) {
                m.put("driver_cores", Math.round((b.driverCpuNanos - a.driverCpuNanos) / 1e9 / wall * 100) / 100.0);
            }
            if (a.serverCpuNanos >= 0 && b.serverCpuNanos >= 0) {
                double serverSeconds = (b.serverCpuNanos - a.serverCpuNanos) / 1e9;
                m.put("server_cores", Math.round(serverSeconds / wall * 100) / 100.0);
                if (calls > 0) {
                    m.put("server_cpu_us_per_call", Math.round(serverSeconds / calls * 1e6 * 10) / 10.0);
                }
                if (m.containsKey("machine_busy_cores") && m.containsKey("driver_cores")) {
                    // everything else on the machine: other processes, and the kernel's time not charged to these two
                    m.put("other_cores", Math.round(((Double) m.get("machine_busy_cores") - (Double) m.get("driver_cores")
                            - (Double) m.get("server_cores")) * 100) / 100.0);
                }
            }
            return m;
        }
    }
}
