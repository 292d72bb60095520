package io.tokenflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.Capacity;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.Demand;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.cli.TokenflowCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code ./tokenflow serve}, started through the launcher as an operator starts it, so that a
 * SIGKILL ends the server's JVM itself (the launcher execs it) and what survives on disk is what a
 * crash leaves. Its output is gathered as it comes: the listening port and the metrics address are read
 * from it, and the ITs look in it for what recovery reported.
 */
final class ServeProcess {
    /** How long a start may take before it counts as failed. */
    static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on (http://\\S+)");
    private static final Path REPO =
            Path.of(System.getProperty("tokenflow.repo.dir", ".")).toAbsolutePath().normalize();

    private final Process process;
    private final StringBuilder lines = new StringBuilder();
    private final Thread reader;
    private int port = -1;

    private ServeProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.append(line).append('\n');
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process died
            }
            synchronized (lines) {
                lines.notifyAll(); // a start that waits learns at once that no more is coming
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * {@code ./tokenflow serve --data-dir DATA --port 0 --metrics-port METRICS_PORT MORE...}, standard
     * error merged into standard output; {@code metricsPort} 0 for any free port, -1 for none.
     */
    static ProcessBuilder command(Path data, String metricsPort, String... more) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("tokenflow").toString(), "serve", "--data-dir",
                data.toString(), "--port", "0", "--metrics-port", metricsPort));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    }

    /**
     * Starts serve without waiting for it, so that a caller can keep hold of a server that then fails
     * to start, its output included.
     */
    static ServeProcess launch(Path data, String metricsPort, String... more) throws IOException {
        return new ServeProcess(command(data, metricsPort, more).start());
    }

    /** Starts serve and waits for it to listen. */
    static ServeProcess start(Path data, String metricsPort, String... more) throws Exception {
        ServeProcess server = launch(data, metricsPort, more);
        server.awaitListening();
        return server;
    }

    /** Waits up to {@link #STARTUP} for the server to say where it listens; its port. */
    int awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        synchronized (lines) {
            while (true) {
                Matcher m = LISTENING.matcher(lines);
                if (m.find()) {
                    port = Integer.parseInt(m.group(2));
                    return port;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    process.destroyForcibly();
                    fail("the server did not start (alive: " + process.isAlive() + "):\n" + lines);
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    Process process() {
        return process;
    }

    int port() {
        return port;
    }

    String output() {
        synchronized (lines) {
            return lines.toString();
        }
    }

    /** SIGKILL, and waits for it to take. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not die of SIGKILL");
    }

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** GetMarket on a channel of its own. */
    GetMarketResponse getMarket() throws InterruptedException {
        ManagedChannel channel = channel();
        try {
            return PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getMarket(GetMarketRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The server's /metrics page, if it serves one and answers within 2 s: what callers read from it
     * are figures for a summary, never a check.
     */
    Optional<String> metrics() {
        Matcher url;
        synchronized (lines) {
            url = METRICS.matcher(lines);
            if (!url.find()) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.group(1)))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The value of gauge {@code name} on a /metrics page, 0 if it has none. */
    static long gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Watches every class on {@code channel}, each table seen into {@code served} by version, until the kill. */
    static void watch(ManagedChannel channel, Map<Long, PriceTable> served) {
        PricingOracleGrpc.newStub(channel).watchPrices(WatchRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(PriceTable table) {
                        served.put(table.getMarketVersion(), table);
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the kill ends the stream
                    }

                    @Override
                    public void onCompleted() {}
                });
    }

    /** What one {@code tokenflow settlement export} printed, and its exit status. */
    record Export(int exit, String stdout, String stderr) {}

    /**
     * Runs {@code tokenflow settlement export --format jsonl --from-version FROM} against this server:
     * through the {@code ./tokenflow} launcher (a process of its own) if {@code launcher}, else the same
     * command in this JVM (a launcher costs about 1.5 s of JVM start, and the server it talks to is the
     * process under test either way).
     */
    Export export(long from, boolean launcher) throws Exception {
        String[] args = {"settlement", "export", "--target", "127.0.0.1:" + port, "--format", "jsonl",
            "--from-version", Long.toString(from)};
        if (!launcher) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Export(exit, out.toString(), err.toString());
        }
        Path out = Files.createTempFile("export", ".jsonl");
        Path err = Files.createTempFile("export", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(REPO.resolve("tokenflow").toString()));
            command.addAll(List.of(args));
            ProcessBuilder export = new ProcessBuilder(command).directory(REPO.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // a short-lived client: the JIT's first tier only starts it in about half the time
            export.environment().put("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1");
            Process p = export.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the export did not finish");
            return new Export(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * A burst of updates to be cut by a kill. Each key has one writer thread, which sends strictly
     * increasing values one call at a time and stops at its first failure, so that after a restart a
     * key can only hold its last acknowledged value or the value of the one call in flight when the
     * server died (unacknowledged, so it may or may not have reached the disk).
     */
    static final class Writers {
        private final Map<String, Double> acked;
        private final Map<String, Double> inFlight = new ConcurrentHashMap<>();
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicLong maxAcknowledged;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        /** Starts {@code count} writers sharing the keys of {@code values}, a market at {@code version}. */
        Writers(PricingOracleGrpc.PricingOracleBlockingStub stub, Map<String, Double> values, long version,
                int count) {
            acked = new ConcurrentHashMap<>(values);
            maxAcknowledged = new AtomicLong(version);
            List<String> keys = new ArrayList<>(values.keySet());
            for (int w = 0; w < count; w++) {
                List<String> mine = new ArrayList<>();
                for (int k = w; k < keys.size(); k += count) {
                    mine.add(keys.get(k));
                }
                Thread writer = new Thread(() -> write(stub, mine), "writer-" + w);
                writer.start();
                threads.add(writer);
            }
        }

        /** The keys a burst writes: each capacity and demand above zero, by name, with its value. */
        static Map<String, Double> keys(GetMarketResponse market) {
            Map<String, Double> keys = new LinkedHashMap<>();
            for (Capacity c : market.getCapacitiesList()) {
                if (c.getTokensPerSecond() > 0) {
                    keys.put("capacity/" + c.getNode() + "/" + c.getWorkloadClass(), c.getTokensPerSecond());
                }
            }
            for (Demand d : market.getDemandsList()) {
                if (d.getTokensPerSecond() > 0) {
                    keys.put("demand/" + d.getOrigin() + "/" + d.getWorkloadClass(), d.getTokensPerSecond());
                }
            }
            return keys;
        }

        /** Waits for the writers the kill stopped (30 s each at most), then stops any left. */
        void join() throws InterruptedException {
            for (Thread writer : threads) {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            stop.set(true);
        }

        /** Per key, the last value acknowledged (its value before the burst if none was). */
        Map<String, Double> acked() {
            return acked;
        }

        /** Per key, the value of the call in flight when the server died (its writer stopped there). */
        Map<String, Double> inFlight() {
            return inFlight;
        }

        long acknowledged() {
            return acknowledged.get();
        }

        /** The highest version an acknowledgement carried, or the version the burst started at. */
        long maxAcknowledged() {
            return maxAcknowledged.get();
        }

        private void write(PricingOracleGrpc.PricingOracleBlockingStub stub, List<String> mine) {
            int i = 0;
            while (!stop.get() && !mine.isEmpty()) {
                String key = mine.get(i++ % mine.size());
                String[] k = key.split("/");
                double value = acked.get(key) * 1.0001 + 0.001;
                inFlight.put(key, value);
                long version;
                try {
                    if (k[0].equals("capacity")) {
                        version = stub.withDeadlineAfter(10, TimeUnit.SECONDS).updateCapacity(UpdateCapacityRequest
                                .newBuilder().addUpdates(CapacityUpdate.newBuilder().setNode(k[1])
                                        .setWorkloadClass(k[2]).setTokensPerSecond(value)).build()).getMarketVersion();
                    } else {
                        version = stub.withDeadlineAfter(10, TimeUnit.SECONDS).updateDemand(UpdateDemandRequest
                                .newBuilder().addUpdates(DemandUpdate.newBuilder().setOrigin(k[1])
                                        .setWorkloadClass(k[2]).setTokensPerSecond(value)).build()).getMarketVersion();
                    }
                } catch (StatusRuntimeException e) {
                    return; // the kill: this call's value may or may not be on disk
                }
                inFlight.remove(key);
                acked.put(key, value);
                acknowledged.incrementAndGet();
                maxAcknowledged.accumulateAndGet(version, Math::max);
            }
        }
    }
}
