package io.tokenflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process level, issue 7: one leader ({@code ./tokenflow serve --data-dir D}) and two read replicas
 * ({@code ./tokenflow serve --follow 127.0.0.1:PORT}) on loopback. After an update through the
 * leader, every origin x class Quote agrees across all three (same version, same message); after a
 * SIGKILL of the leader the replicas keep answering, stale with an age; after the leader restarts on
 * the same port with its data directory, they come back to its (greater) version, fresh. And a replica of a
 * market whose GetMarket is over gRPC's default 4 MiB serves the leader's quotes.
 */
class ReplicaIT {
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final long STARTUP_SECONDS = 60;
    private static final long CATCH_UP_SECONDS = 20;
    /** Time for a replica to fetch and adopt the 3,000-node market on a shared 2-core machine. */
    private static final long LARGE_MARKET_SECONDS = 120;
    private static final int LARGE_MARKET_LIMIT = 64 << 20;

    private final List<Process> processes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void replicasAgreeWithTheLeaderAnswerStaleWithoutItAndCatchUpWhenItReturns(@TempDir Path tmp)
            throws Exception {
        Path repo = Path.of(System.getProperty("tokenflow.repo.dir", ".")).toAbsolutePath().normalize();
        Path data = tmp.resolve("leader-data");
        Scenario scenario = EmbeddedScenarios.get(EmbeddedScenarios.DEFAULT);
        int leaderPort;
        try (ServerSocket free = new ServerSocket(0)) {
            leaderPort = free.getLocalPort();
        }
        String leaderAddress = "127.0.0.1:" + leaderPort;
        Process leader = start(repo, "serve", "--data-dir", data.toString(), "--port", Integer.toString(leaderPort),
                "--metrics-port", "-1");
        PricingOracleGrpc.PricingOracleBlockingStub toLeader = stub(leaderPort);
        List<PricingOracleGrpc.PricingOracleBlockingStub> replicas = new ArrayList<>();
        List<HealthGrpc.HealthBlockingStub> replicaHealth = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int port = port(start(repo, "serve", "--follow", leaderAddress, "--port", "0", "--metrics-port", "-1"));
            replicas.add(stub(port));
            replicaHealth.add(HealthGrpc.newBlockingStub(channels.get(channels.size() - 1)));
        }

        // an update through the leader reaches both replicas; every quote agrees
        long v2 = toLeader.withDeadlineAfter(30, TimeUnit.SECONDS).updateDemand(UpdateDemandRequest.newBuilder()
                .setWaitForClear(true).addUpdates(DemandUpdate.newBuilder().setOrigin("dallas")
                        .setWorkloadClass("chat").setTokensPerSecond(6500)).build()).getMarketVersion();
        for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
            await("a replica at version " + v2, () -> version(r) == v2);
        }
        int compared = 0;
        for (ComputeNode node : scenario.nodes()) {
            for (WorkloadClass cls : scenario.classes()) {
                QuoteRequest q = QuoteRequest.newBuilder().setOrigin(node.id()).setWorkloadClass(cls.id()).build();
                QuoteResponse l = toLeader.withDeadlineAfter(10, TimeUnit.SECONDS).quote(q);
                assertEquals(v2, l.getMarketVersion());
                for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
                    assertEquals(l, r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(q), q.toString());
                }
                compared++;
            }
        }
        assertEquals(scenario.nodes().size() * scenario.classes().size(), compared);
        for (HealthGrpc.HealthBlockingStub h : replicaHealth) {
            assertEquals(ServingStatus.SERVING, h.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }

        // SIGSTOP the leader (a frozen process: its sockets stay open, nothing answers): the replicas turn
        // stale within --leader-timeout (3 s), and a router's watch on a replica hears it; SIGCONT: fresh again
        QuoteRequest dallasChat = QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build();
        List<String> watched = java.util.Collections.synchronizedList(new ArrayList<>());
        io.tokenflow.client.PricingOracleClient router = io.tokenflow.client.PricingOracleClient.builder()
                .channel(channels.get(1)).tableListener(new io.tokenflow.client.TableListener() {
                    @Override
                    public void tableArrived(long marketVersion, boolean stale) {
                        watched.add(stale ? "stale" : "fresh");
                    }

                    @Override
                    public void streamLost(String why) {}
                }).build();
        try {
            await("the router's table", () -> watched.contains("fresh"));
            signal(leader, "STOP");
            long frozenAt = System.nanoTime();
            for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
                await("a stale replica while the leader is frozen",
                        () -> r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat).getStale());
            }
            long staleAfterMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            assertTrue(staleAfterMillis < 3_000 + 3_000, "stale " + staleAfterMillis + " ms after the freeze "
                    + "(--leader-timeout 3 s, plus the replica's own scheduling on a loaded machine)");
            await("the router's watch says stale", () -> watched.contains("stale"));
            signal(leader, "CONT");
            for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
                await("a fresh replica after SIGCONT",
                        () -> !r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat).getStale());
            }
            await("the router's watch says fresh again",
                    () -> watched.lastIndexOf("fresh") > watched.indexOf("stale"));
            assertTrue(router.tableStatus().fresh());
        } finally {
            router.close();
        }

        // SIGKILL the leader: the replicas answer from v2, stale, with an age
        leader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
            await("a stale replica", () -> r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat).getStale());
            QuoteResponse stale = r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat);
            assertEquals(v2, stale.getMarketVersion());
            assertTrue(stale.hasAge(), "a stale answer carries its age");
        }
        for (HealthGrpc.HealthBlockingStub h : replicaHealth) {
            assertEquals(ServingStatus.SERVING, h.check(HealthCheckRequest.getDefaultInstance()).getStatus(),
                    "stale answers are still answers");
        }

        // restart the leader on the same port with its data: a greater version, which the replicas adopt
        start(repo, "serve", "--data-dir", data.toString(), "--port", Integer.toString(leaderPort),
                "--metrics-port", "-1");
        long restarted = version(toLeader);
        assertTrue(restarted > v2, "the restarted leader's version " + restarted + " is above " + v2);
        for (PricingOracleGrpc.PricingOracleBlockingStub r : replicas) {
            await("a replica back at version " + restarted, () -> {
                QuoteResponse q = r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat);
                return q.getMarketVersion() == restarted && !q.getStale();
            });
            assertEquals(toLeader.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat),
                    r.withDeadlineAfter(10, TimeUnit.SECONDS).quote(dallasChat));
        }
    }

    /**
     * A market whose GetMarket is well over gRPC's default 4 MiB: 3,000 sites, 3 classes, each site joined to
     * its 3 nearest (11,176 links; sparser or with fewer classes it stays near or under 4 MiB). The replica
     * takes it whole (its follower accepts up to 1 GiB), turns SERVING and answers every sampled quote as
     * the leader does.
     */
    @Test
    void aReplicaOfAMarketOverFourMiBServesTheLeadersQuotes(@TempDir Path tmp) throws Exception {
        Path repo = Path.of(System.getProperty("tokenflow.repo.dir", ".")).toAbsolutePath().normalize();
        Scenario scenario = SyntheticScenarios.generate(new SyntheticScenarios.Spec(3000, 3, 3,
                BandwidthModel.TOKEN_EQUIVALENT, 0.6, false, 0, 42));
        Path file = tmp.resolve("synthetic-3000.json");
        Files.writeString(file, ScenarioJson.write(scenario));
        long leaderStarted = System.nanoTime();
        Process leader = start(repo, "serve", "--scenario", file.toString(), "--port", "0", "--metrics-port", "-1");
        long leaderListening = System.nanoTime();
        String leaderAddress = "127.0.0.1:" + port(leader);
        ManagedChannel whole = NettyChannelBuilder.forAddress("127.0.0.1", port(leader)).usePlaintext()
                .maxInboundMessageSize(LARGE_MARKET_LIMIT).build();
        channels.add(whole);
        GetMarketResponse market = PricingOracleGrpc.newBlockingStub(whole).withDeadlineAfter(60, TimeUnit.SECONDS)
                .getMarket(GetMarketRequest.getDefaultInstance());
        int marketBytes = market.getSerializedSize();
        assertTrue(marketBytes > 5 << 20, "GetMarket is " + marketBytes + " bytes, well over the default 4 MiB");

        long replicaStarted = System.nanoTime();
        int replicaPort = port(start(repo, "serve", "--follow", leaderAddress, "--port", "0", "--metrics-port", "-1"));
        PricingOracleGrpc.PricingOracleBlockingStub replica = stub(replicaPort);
        HealthGrpc.HealthBlockingStub replicaHealth = HealthGrpc.newBlockingStub(channels.get(channels.size() - 1));
        await("the replica SERVING", LARGE_MARKET_SECONDS, () -> replicaHealth.withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
        long serving = System.nanoTime();
        System.out.printf(java.util.Locale.ROOT, "ReplicaIT: 3,000-node market, GetMarket %,d bytes; leader listening"
                + " %.1f s after start; replica SERVING %.1f s after start%n", marketBytes,
                (leaderListening - leaderStarted) / 1e9, (serving - replicaStarted) / 1e9);

        // every 100th site x every class, 90 pairs: the same message from both (version, time, every price)
        PricingOracleGrpc.PricingOracleBlockingStub toLeader = stub(port(leader));
        int compared = 0;
        for (int j = 0; j < scenario.nodes().size(); j += 100) {
            for (WorkloadClass cls : scenario.classes()) {
                QuoteRequest q = QuoteRequest.newBuilder().setOrigin(scenario.nodes().get(j).id())
                        .setWorkloadClass(cls.id()).build();
                QuoteResponse l = toLeader.withDeadlineAfter(10, TimeUnit.SECONDS).quote(q);
                assertEquals(market.getMarketVersion(), l.getMarketVersion());
                assertEquals(l, replica.withDeadlineAfter(10, TimeUnit.SECONDS).quote(q), q.toString());
                compared++;
            }
        }
        assertEquals(90, compared);
    }

    private PricingOracleGrpc.PricingOracleBlockingStub stub(int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return PricingOracleGrpc.newBlockingStub(channel);
    }

    private static long version(PricingOracleGrpc.PricingOracleBlockingStub stub) {
        try {
            return stub.withDeadlineAfter(10, TimeUnit.SECONDS).getMarket(GetMarketRequest.getDefaultInstance())
                    .getMarketVersion();
        } catch (StatusRuntimeException e) {
            return 0; // a replica without a version yet
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        await(what, CATCH_UP_SECONDS, done);
    }

    private static void await(String what, long seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (StatusRuntimeException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private final List<StringBuilder> outputs = new ArrayList<>();

    /** Starts {@code ./tokenflow ARGS}, waits for its listening line. */
    private Process start(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("tokenflow").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        processes.add(p);
        StringBuilder output = new StringBuilder();
        outputs.add(output);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                // the process died
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        synchronized (output) {
            while (!LISTENING.matcher(output).find()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.isAlive()) {
                    output.wait(500);
                    fail("'tokenflow " + String.join(" ", args) + "' did not start (alive: " + p.isAlive()
                            + "):\n" + output);
                }
                output.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
        return p;
    }

    private int port(Process p) {
        StringBuilder output = outputs.get(processes.indexOf(p));
        synchronized (output) {
            Matcher m = LISTENING.matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("no listening line");
            }
            return Integer.parseInt(m.group(2));
        }
    }

    /** Sends SIGSTOP or SIGCONT to a process (the JDK sends only TERM and KILL). */
    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }
}
