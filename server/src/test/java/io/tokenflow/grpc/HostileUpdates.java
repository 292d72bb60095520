package io.tokenflow.grpc;

import static io.tokenflow.grpc.HostileChecks.UPDATE_ERRORS;
import static io.tokenflow.grpc.HostileInputTest.MAX_BATCH;
import static io.tokenflow.grpc.HostileValues.CLASSES;
import static io.tokenflow.grpc.HostileValues.NODES;
import static io.tokenflow.grpc.HostileValues.bad;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The update cases of {@link HostileInputTest}: batches of each update RPC with at least one bad number, id or
 * duplicate, and batches over the count, message size or emptiness limits.
 */
final class HostileUpdates {
    private final PricingOracleGrpc.PricingOracleBlockingStub stub;
    private final HostileValues hostile;
    private final SplittableRandom random;
    private final HostileChecks checks;

    HostileUpdates(PricingOracleGrpc.PricingOracleBlockingStub stub, HostileValues hostile, HostileChecks checks) {
        this.stub = stub;
        this.hostile = hostile;
        this.random = hostile.random;
        this.checks = checks;
    }

    /** Entries of an update batch; at least one is bad (value, id or a duplicate), so the batch is refused. */
    void updateCase(String rpc) {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 50 : 4);
        List<String> mentions = new ArrayList<>();
        List<String[]> ids = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        boolean anyBad = false;
        for (int i = 0; i < n; i++) {
            String[] a = hostile.id(NODES); // a node, or an origin for UpdateDemand: five-node's origins are its nodes
            String[] b = rpc.equals("UpdateElectricityPrice") ? new String[] {"", "ok"}
                    : rpc.equals("UpdateLinkCapacity") ? hostile.id(NODES) : hostile.id(CLASSES);
            double v = hostile.number();
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
        checks.check(rpc, call, false, UPDATE_ERRORS, mentions);
    }

    void oversizedBatches() {
        // 10,001 small entries fit the message limit: the batch limit refuses them by count
        UpdateCapacityRequest.Builder over = UpdateCapacityRequest.newBuilder();
        for (int i = 0; i <= MAX_BATCH; i++) {
            over.addUpdates(CapacityUpdate.newBuilder().setNode("n" + i).setWorkloadClass("chat").setTokensPerSecond(1));
        }
        checks.check("UpdateCapacity", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateCapacity(over.build()), false,
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
            checks.check("Update (10^6 entries)", call, false, EnumSet.of(Status.Code.RESOURCE_EXHAUSTED), List.of());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "refused quickly");
        }
        // an empty batch
        checks.check("UpdateLinkCapacity", () -> stub.withDeadlineAfter(20, TimeUnit.SECONDS).updateLinkCapacity(
                UpdateLinkCapacityRequest.getDefaultInstance()), false, EnumSet.of(Status.Code.INVALID_ARGUMENT),
                List.of("updates must not be empty"));
    }
}
