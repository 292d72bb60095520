package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.Timestamps;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of every PricingOracle RPC over a real (loopback Netty) transport with serve's limits
 * (4 MiB messages, 10,000 updates a call) and the real LeaderOracle: malformed and extreme numbers, empty,
 * unicode, control-character and 10 MB strings, unknown ids, duplicates, oversized batches, unknown fields
 * and out-of-range versions. No call may end INTERNAL or UNKNOWN, each ends in the codes its case allows
 * with a description naming the field or value, and no rejected call changes the market. Every update case
 * carries at least one bad entry, so the market must stay at version 1 throughout.
 */
class HostileInputTest {
    static final long SEED = 20261125L;
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    static final int MAX_BATCH = 10_000;
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 20));
    static final String HUGE = "x".repeat(10 * 1024 * 1024);
    static final List<String> NODES = List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle");
    static final List<String> CLASSES = List.of("chat", "image", "code", "batch");
    static final Set<Status.Code> NEVER = EnumSet.of(Status.Code.INTERNAL, Status.Code.UNKNOWN);

    private LeaderOracle oracle;
    private OracleServer server;
    private ManagedChannel channel;
    private PricingOracleGrpc.PricingOracleBlockingStub stub;
    private final SplittableRandom random = new SplittableRandom(SEED);
    private final Map<String, Integer> cases = new TreeMap<>();
    private final Map<Status.Code, Integer> codes = new TreeMap<>();
    private GetMarketResponse initial;

    @BeforeEach
    void start() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"),
                OracleConfig.builder().maxBatchSize(MAX_BATCH).build(), meters);
        server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES), oracle, meters, Clock.systemUTC()).start();
        channel = Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        stub = PricingOracleGrpc.newBlockingStub(channel);
        initial = stub.getMarket(GetMarketRequest.getDefaultInstance());
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofMillis(200));
        oracle.close();
    }

    // ---- hostile values ----

    /** An id: valid, or hostile. Returns {value, kind} with kind "ok", "empty", "unknown" or "huge". */
    private String[] id(List<String> valid) {
        int r = random.nextInt(100);
        if (r < 55) {
            return new String[] {valid.get(random.nextInt(valid.size())), "ok"};
        }
        if (r < 65) {
            return new String[] {"", "empty"};
        }
        if (r == 65) {
            return new String[] {HUGE, "huge"};
        }
        String[] unknown = {"atlantis", "DALLAS", " dallas", "dallas\u0000", "d\u00e4llas\u2603", "\ud83d\ude80",
            "line\nbreak", "'; DROP TABLE nodes; --", "%s%n%x", "a".repeat(5000), "\t", "dallas,chicago"};
        return new String[] {unknown[random.nextInt(unknown.length)], "unknown"};
    }

    /** A number: in range (>= 0, finite), or not. Returns the value; {@link #bad} says which. */
    private double number() {
        double[] good = {0, -0.0, 1, 0.5, 1e6, Double.MIN_VALUE};
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, -1e308, -Double.MIN_VALUE,
            1e308, Double.MAX_VALUE, 1e13};
        return random.nextInt(100) < 60 ? good[random.nextInt(good.length)] : bad[random.nextInt(bad.length)];
    }

    private static boolean bad(double v) {
        return !Double.isFinite(v) || v < 0 || v > 1e12;
    }

    private static UnknownFieldSet unknownFields(SplittableRandom random) {
        return UnknownFieldSet.newBuilder().addField(900 + random.nextInt(99), UnknownFieldSet.Field.newBuilder()
                .addVarint(random.nextLong()).build()).build();
    }

    // ---- the check of one case ----

    /**
     * Runs one call. {@code ok} says whether the request is entirely valid; {@code allowed} are the codes a
     * rejection may have; {@code mentions} are strings of which the description must name one.
     */
    private void check(String rpc, Runnable call, boolean ok, Set<Status.Code> allowed, List<String> mentions) {
        cases.merge(rpc, 1, Integer::sum);
        Status status = Status.OK;
        Throwable cause = null;
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            status = e.getStatus();
            cause = e.getCause();
        }
        codes.merge(status.getCode(), 1, Integer::sum);
        String what = rpc + " case " + cases.get(rpc) + ": " + status.getCode() + " " + abbreviate(status.getDescription());
        if (NEVER.contains(status.getCode())) {
            fail("crash: " + what + " cause " + cause, cause);
        }
        if (ok) {
            assertTrue(status.isOk() || status.getCode() == Status.Code.FAILED_PRECONDITION, what);
        } else {
            assertTrue(allowed.contains(status.getCode()), what + " (allowed " + allowed + ")");
            String description = String.valueOf(status.getDescription());
            if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                assertTrue(mentions.stream().anyMatch(m -> description.contains(abbreviate(m))),
                        what + " names none of " + mentions.stream().map(HostileInputTest::abbreviate).toList());
            }
        }
        assertEquals(1, oracle.state().version(), "market_version after " + what);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 60 ? s.substring(0, 60) : s;
    }

    private static final Set<Status.Code> READ_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.FAILED_PRECONDITION);
    private static final Set<Status.Code> UPDATE_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.RESOURCE_EXHAUSTED);

    /** Adds the field's name (empty), its value (unknown) to what the description may name; returns validity. */
    private static boolean note(String field, String[] id, List<String> mentions) {
        if (id[1].equals("empty")) {
            mentions.add(field);
        } else if (id[1].equals("unknown")) {
            mentions.add(id[0]);
        }
        return id[1].equals("ok");
    }

    private void originClassCase(String rpc, boolean route) {
        String[] origin = id(NODES);
        String[] cls = id(CLASSES);
        List<String> mentions = new ArrayList<>();
        boolean ok = note("origin", origin, mentions) & note("workload_class", cls, mentions);
        boolean unknownFields = random.nextBoolean();
        Runnable call;
        if (rpc.equals("Quote")) {
            QuoteRequest.Builder b = QuoteRequest.newBuilder().setOrigin(origin[0]).setWorkloadClass(cls[0]);
            if (unknownFields) {
                b.setUnknownFields(unknownFields(random));
            }
            call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).quote(b.build());
        } else if (route) {
            String[] requestId = random.nextInt(4) == 0 ? new String[] {"", "empty"}
                    : new String[] {random.nextBoolean() ? "req-" + random.nextInt() : "\u0000\u2603", "ok"};
            ok &= note("request_id", requestId, mentions);
            RouteRequest.Builder b = RouteRequest.newBuilder().setOrigin(origin[0]).setWorkloadClass(cls[0])
                    .setRequestId(requestId[0]);
            int excluded = random.nextInt(4);
            for (int i = 0; i < excluded; i++) {
                String[] node = id(NODES);
                if (node[1].equals("huge")) {
                    node = new String[] {"", "empty"};
                }
                b.addExcludeNodes(node[0]);
                if (!node[1].equals("ok")) {
                    ok = false;
                    mentions.add(node[1].equals("empty") ? "exclude_nodes" : node[0]);
                    mentions.add("unknown node ''");
                }
            }
            call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).route(b.build());
        } else {
            FeasibleSitesRequest.Builder b = FeasibleSitesRequest.newBuilder().setOrigin(origin[0]).setWorkloadClass(cls[0]);
            if (unknownFields) {
                b.setUnknownFields(unknownFields(random));
            }
            call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).feasibleSites(b.build());
        }
        check(rpc, call, ok, READ_ERRORS, mentions);
    }

    /** A time for {@code since}: unset, valid (any instant, the extremes included), or out of range. */
    private Timestamp[] since() {
        Timestamp[] valid = {Timestamp.getDefaultInstance(), Timestamps.MIN_VALUE, Timestamps.MAX_VALUE,
            Timestamp.newBuilder().setSeconds(random.nextLong(0, 4_000_000_000L)).setNanos(random.nextInt(1_000_000_000))
                    .build()};
        Timestamp[] invalid = {Timestamp.newBuilder().setNanos(-1).build(),
            Timestamp.newBuilder().setNanos(1_000_000_000).build(),
            Timestamp.newBuilder().setSeconds(1).setNanos(Integer.MIN_VALUE).build(),
            Timestamp.newBuilder().setNanos(Integer.MAX_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Timestamps.MAX_VALUE.getSeconds() + 1).build(),
            Timestamp.newBuilder().setSeconds(Timestamps.MIN_VALUE.getSeconds() - 1).build()};
        int r = random.nextInt(100);
        return r < 30 ? new Timestamp[] {null} : r < 70 ? new Timestamp[] {valid[random.nextInt(valid.length)]}
                : new Timestamp[] {null, invalid[random.nextInt(invalid.length)]};
    }

    private void priceHistoryCase() {
        String[] origin = id(NODES);
        String[] cls = id(CLASSES);
        List<String> mentions = new ArrayList<>();
        boolean ok = note("origin", origin, mentions) & note("workload_class", cls, mentions);
        PriceHistoryRequest.Builder b = PriceHistoryRequest.newBuilder().setOrigin(origin[0]).setWorkloadClass(cls[0]);
        Timestamp[] since = since();
        if (since.length == 2) {
            b.setSince(since[1]);
            ok = false;
            mentions.add("since");
        } else if (since[0] != null) {
            b.setSince(since[0]);
        }
        if (random.nextBoolean()) {
            b.setUnknownFields(unknownFields(random));
        }
        check("PriceHistory", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).priceHistory(b.build()), ok,
                READ_ERRORS, mentions);
    }

    /** Entries of an update batch; at least one is bad (value, id or a duplicate), so the batch is refused. */
    private void updateCase(String rpc) {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 50 : 4);
        List<String> mentions = new ArrayList<>();
        List<String[]> ids = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        boolean anyBad = false;
        for (int i = 0; i < n; i++) {
            String[] a = rpc.equals("UpdateDemand") ? id(NODES) : id(NODES);
            String[] b = rpc.equals("UpdateElectricityPrice") ? new String[] {"", "ok"}
                    : rpc.equals("UpdateLinkCapacity") ? id(NODES) : id(CLASSES);
            double v = number();
            ids.add(new String[] {a[0], b[0]});
            values.add(v);
            boolean entryBad = !a[1].equals("ok") || !b[1].equals("ok") || bad(v);
            if (entryBad) {
                anyBad = true;
                for (String[] x : List.of(a, b)) {
                    if (x[1].equals("unknown")) {
                        mentions.add(x[0]);
                    }
                }
                mentions.add("updates[" + i + "]");
            }
        }
        if (!anyBad || random.nextInt(5) == 0) {
            // duplicate an entry (the same target twice): the batch is ambiguous
            int i = random.nextInt(n);
            ids.add(ids.get(i));
            values.add(values.get(i));
            mentions.add("updates[" + n + "]");
            mentions.add("updates[");
        }
        // entries that happen to set the same target twice make the batch ambiguous too
        for (int j = 0; j < ids.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (java.util.Arrays.equals(ids.get(i), ids.get(j))) {
                    mentions.add("updates[" + j + "]");
                }
            }
        }
        Runnable call;
        switch (rpc) {
            case "UpdateCapacity" -> {
                UpdateCapacityRequest.Builder r = UpdateCapacityRequest.newBuilder().setWaitForClear(random.nextBoolean());
                for (int i = 0; i < ids.size(); i++) {
                    r.addUpdates(CapacityUpdate.newBuilder().setNode(ids.get(i)[0]).setWorkloadClass(ids.get(i)[1])
                            .setTokensPerSecond(values.get(i)));
                }
                call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateCapacity(r.build());
            }
            case "UpdateDemand" -> {
                UpdateDemandRequest.Builder r = UpdateDemandRequest.newBuilder().setWaitForClear(random.nextBoolean());
                for (int i = 0; i < ids.size(); i++) {
                    r.addUpdates(DemandUpdate.newBuilder().setOrigin(ids.get(i)[0]).setWorkloadClass(ids.get(i)[1])
                            .setTokensPerSecond(values.get(i)));
                }
                call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateDemand(r.build());
            }
            case "UpdateElectricityPrice" -> {
                UpdateElectricityPriceRequest.Builder r = UpdateElectricityPriceRequest.newBuilder()
                        .setWaitForClear(random.nextBoolean());
                for (int i = 0; i < ids.size(); i++) {
                    r.addUpdates(ElectricityPriceUpdate.newBuilder().setNode(ids.get(i)[0]).setPricePerKwh(values.get(i)));
                }
                call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateElectricityPrice(r.build());
            }
            default -> {
                UpdateLinkCapacityRequest.Builder r = UpdateLinkCapacityRequest.newBuilder()
                        .setWaitForClear(random.nextBoolean());
                for (int i = 0; i < ids.size(); i++) {
                    r.addUpdates(LinkCapacityUpdate.newBuilder().setFromNode(ids.get(i)[0]).setToNode(ids.get(i)[1])
                            .setCapacityGbps(values.get(i)));
                }
                // a link between nodes that have none is NOT_FOUND naming both ends
                mentions.add("link");
                call = () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateLinkCapacity(r.build());
            }
        }
        check(rpc, call, false, UPDATE_ERRORS, mentions);
    }

    private void watchCase() {
        WatchRequest.Builder b = WatchRequest.newBuilder();
        List<String> mentions = new ArrayList<>();
        boolean ok = true;
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String[] cls = id(CLASSES);
            b.addWorkloadClasses(cls[0]);
            if (!cls[1].equals("ok")) {
                ok = false;
                mentions.add(cls[1].equals("empty") ? "workload_classes[" : cls[0]);
            }
        }
        check("WatchPrices", () -> {
            Context.CancellableContext ctx = Context.current().withCancellation();
            try {
                ctx.run(() -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).watchPrices(b.build()).next());
            } finally {
                ctx.cancel(null);
            }
        }, ok, READ_ERRORS, mentions);
    }

    private void exportCase() {
        long[] versions = {0, 1, 2, 3, -1L /* 2^64-1 */, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, 4096, 4097};
        long from = versions[random.nextInt(versions.length)];
        long to = versions[random.nextInt(versions.length)];
        // version 1 is the only one (every hostile update is refused); from 2 to "now" resumes an export
        // that has seen everything: an empty stream
        boolean ok = (from == 0 || from == 1) && (to == 0 || to == 1) || (from == 2 && to == 0);
        check("ExportSettlement", () -> {
            Iterator<?> it = stub.withDeadlineAfter(20, TimeUnit.SECONDS).exportSettlement(ExportSettlementRequest
                    .newBuilder().setFromVersion(from).setToVersion(to).build());
            while (it.hasNext()) {
                it.next();
            }
        }, ok, EnumSet.of(Status.Code.OUT_OF_RANGE, Status.Code.INVALID_ARGUMENT),
                List.of("version", Long.toUnsignedString(from), Long.toUnsignedString(to)));
    }

    private void oversizedBatches() {
        // 10,001 small entries fit the message limit: the batch limit refuses them by count
        UpdateCapacityRequest.Builder over = UpdateCapacityRequest.newBuilder();
        for (int i = 0; i <= MAX_BATCH; i++) {
            over.addUpdates(CapacityUpdate.newBuilder().setNode("n" + i).setWorkloadClass("chat").setTokensPerSecond(1));
        }
        check("UpdateCapacity", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateCapacity(over.build()), false,
                EnumSet.of(Status.Code.INVALID_ARGUMENT), List.of("updates has 10001 entries"));
        // 10^6 entries (~20 MB): refused by the message size limit before anything is parsed
        for (Supplier<Runnable> huge : List.<Supplier<Runnable>>of(
                () -> {
                    UpdateDemandRequest.Builder r = UpdateDemandRequest.newBuilder();
                    for (int i = 0; i < 1_000_000; i++) {
                        r.addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                                .setTokensPerSecond(i));
                    }
                    UpdateDemandRequest built = r.build();
                    return () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateDemand(built);
                },
                () -> {
                    UpdateElectricityPriceRequest.Builder r = UpdateElectricityPriceRequest.newBuilder();
                    for (int i = 0; i < 1_000_000; i++) {
                        r.addUpdates(ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(i));
                    }
                    UpdateElectricityPriceRequest built = r.build();
                    return () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateElectricityPrice(built);
                })) {
            Runnable call = huge.get();
            long started = System.nanoTime();
            check("Update (10^6 entries)", call, false, EnumSet.of(Status.Code.RESOURCE_EXHAUSTED), List.of());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "refused quickly");
        }
        // an empty batch
        check("UpdateLinkCapacity", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateLinkCapacity(
                UpdateLinkCapacityRequest.getDefaultInstance()), false, EnumSet.of(Status.Code.INVALID_ARGUMENT),
                List.of("updates must not be empty"));
    }

    @Test
    void everyRpcSurvivesHostileInputAndRejectedCallsChangeNothing() {
        oversizedBatches();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int total = 0;
        while (System.nanoTime() < deadline && total < 20_000) {
            switch (random.nextInt(11)) {
                case 0 -> originClassCase("Quote", false);
                case 1 -> originClassCase("Route", true);
                case 2 -> originClassCase("FeasibleSites", false);
                case 3 -> watchCase();
                case 4 -> exportCase();
                case 5 -> check("GetMarket", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).getMarket(
                        GetMarketRequest.newBuilder().setUnknownFields(unknownFields(random)).build()), true,
                        Set.of(), List.of());
                case 6 -> updateCase("UpdateCapacity");
                case 7 -> updateCase("UpdateDemand");
                case 8 -> updateCase("UpdateElectricityPrice");
                case 9 -> updateCase("UpdateLinkCapacity");
                default -> priceHistoryCase();
            }
            total++;
            if (total % 200 == 0) {
                GetMarketResponse now = stub.getMarket(GetMarketRequest.getDefaultInstance());
                assertEquals(initial.getCapacitiesList(), now.getCapacitiesList());
                assertEquals(initial.getDemandsList(), now.getDemandsList());
            }
        }
        GetMarketResponse end = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(1, end.getMarketVersion());
        assertEquals(initial.getCapacitiesList(), end.getCapacitiesList());
        assertEquals(initial.getDemandsList(), end.getDemandsList());
        assertEquals(initial.getResult(), end.getResult());
        int all = cases.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("HostileInputTest: seed " + SEED + ", " + all + " cases, 0 crashes; by RPC " + cases
                + "; by status " + codes);
        assertTrue(all >= 1000, "ran only " + all + " cases");
    }
}
