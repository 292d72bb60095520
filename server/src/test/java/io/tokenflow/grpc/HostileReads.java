package io.tokenflow.grpc;

import static io.tokenflow.grpc.HostileChecks.READ_ERRORS;
import static io.tokenflow.grpc.HostileChecks.note;
import static io.tokenflow.grpc.HostileValues.CLASSES;
import static io.tokenflow.grpc.HostileValues.NODES;
import static io.tokenflow.grpc.HostileValues.unknownFields;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Status;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.WatchRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The read and stream cases of {@link HostileInputTest}: hostile ids in Quote, Route, FeasibleSites,
 * PriceHistory and WatchPrices, out-of-range times for PriceHistory's since and versions for ExportSettlement.
 */
final class HostileReads {
    private final PricingOracleGrpc.PricingOracleBlockingStub stub;
    private final HostileValues hostile;
    private final SplittableRandom random;
    private final HostileChecks checks;

    HostileReads(PricingOracleGrpc.PricingOracleBlockingStub stub, HostileValues hostile, HostileChecks checks) {
        this.stub = stub;
        this.hostile = hostile;
        this.random = hostile.random;
        this.checks = checks;
    }

    void originClassCase(String rpc, boolean route) {
        String[] origin = hostile.id(NODES);
        String[] cls = hostile.id(CLASSES);
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
                String[] node = hostile.id(NODES);
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
        checks.check(rpc, call, ok, READ_ERRORS, mentions);
    }

    void priceHistoryCase() {
        String[] origin = hostile.id(NODES);
        String[] cls = hostile.id(CLASSES);
        List<String> mentions = new ArrayList<>();
        boolean ok = note("origin", origin, mentions) & note("workload_class", cls, mentions);
        PriceHistoryRequest.Builder b = PriceHistoryRequest.newBuilder().setOrigin(origin[0]).setWorkloadClass(cls[0]);
        Timestamp[] since = hostile.since();
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
        checks.check("PriceHistory", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).priceHistory(b.build()), ok,
                READ_ERRORS, mentions);
    }

    void watchCase() {
        WatchRequest.Builder b = WatchRequest.newBuilder();
        List<String> mentions = new ArrayList<>();
        boolean ok = true;
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String[] cls = hostile.id(CLASSES);
            b.addWorkloadClasses(cls[0]);
            if (!cls[1].equals("ok")) {
                ok = false;
                mentions.add(cls[1].equals("empty") ? "workload_classes[" : cls[0]);
            }
        }
        checks.check("WatchPrices", () -> {
            Context.CancellableContext ctx = Context.current().withCancellation();
            try {
                ctx.run(() -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).watchPrices(b.build()).next());
            } finally {
                ctx.cancel(null);
            }
        }, ok, READ_ERRORS, mentions);
    }

    void exportCase() {
        long[] versions = {0, 1, 2, 3, -1L /* 2^64-1 */, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, 4096, 4097};
        long from = versions[random.nextInt(versions.length)];
        long to = versions[random.nextInt(versions.length)];
        // version 1 is the only one (every hostile update is refused); from 2 to "now" resumes an export
        // that has seen everything: an empty stream
        boolean ok = (from == 0 || from == 1) && (to == 0 || to == 1) || (from == 2 && to == 0);
        checks.check("ExportSettlement", () -> {
            Iterator<?> it = stub.withDeadlineAfter(20, TimeUnit.SECONDS).exportSettlement(ExportSettlementRequest
                    .newBuilder().setFromVersion(from).setToVersion(to).build());
            while (it.hasNext()) {
                it.next();
            }
        }, ok, EnumSet.of(Status.Code.OUT_OF_RANGE, Status.Code.INVALID_ARGUMENT),
                List.of("version", Long.toUnsignedString(from), Long.toUnsignedString(to)));
    }
}
