package io.tokenflow.grpc;

import static io.tokenflow.grpc.ControllableLeader.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.ServingSplit;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.WatchRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WatchPrices and ExportSettlement streams, health and reflection, over an in-process channel. */
class StreamAndHealthRpcTest {
    @RegisterExtension
    final ControllableLeader leader = new ControllableLeader();
    private final PricingOracleGrpc.PricingOracleBlockingStub stub = leader.stub;

    @Test
    void watchStreamsTheTableFirstThenEveryNewVersion() throws Exception {
        BlockingQueue<PriceTable> tables = new LinkedBlockingQueue<>();
        PricingOracleGrpc.newStub(leader.channel).watchPrices(WatchRequest.newBuilder().addWorkloadClasses("image").build(),
                new StreamObserver<>() {
                    @Override public void onNext(PriceTable value) { tables.add(value); }
                    @Override public void onError(Throwable t) { }
                    @Override public void onCompleted() { }
                });
        PriceTable first = tables.poll(20, TimeUnit.SECONDS);
        assertEquals(1, first.getMarketVersion());
        assertEquals(5, first.getPricesCount(), "five origins of the one class asked for");
        assertTrue(first.getPricesList().stream().allMatch(p -> p.getWorkloadClass().equals("image")));
        for (ServingSplit split : first.getSplitsList()) {
            assertEquals(1.0, split.getSharesList().stream().mapToDouble(s -> s.getShare()).sum(), 1e-9);
        }
        stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("seattle").setWorkloadClass("image").setTokensPerSecond(60_000)).build());
        PriceTable second = tables.poll(20, TimeUnit.SECONDS);
        assertEquals(2, second.getMarketVersion());
        NodePrice seattle = second.getPricesList().stream().filter(p -> p.getNode().equals("seattle")).findFirst()
                .orElseThrow();
        assertEquals(leader.quote("seattle", "image").getPricePerMTokens(), seattle.getPricePerMTokens());

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PricingOracleGrpc
                .newBlockingStub(leader.channel).watchPrices(WatchRequest.newBuilder().addWorkloadClasses("video").build())
                .hasNext());
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void settlementExportStreamsOneRecordPerVersionThatAddsUp() {
        stub.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true).addUpdates(DemandUpdate.newBuilder()
                .setOrigin("chicago").setWorkloadClass("image").setTokensPerSecond(50_000)).build());
        List<SettlementRecord> records = new ArrayList<>();
        Iterator<SettlementRecord> it = stub.exportSettlement(ExportSettlementRequest.getDefaultInstance());
        it.forEachRemaining(records::add);
        assertEquals(List.of(1L, 2L), records.stream().map(SettlementRecord::getMarketVersion).toList());
        assertTrue(records.get(0).hasSupersededAt());
        assertFalse(records.get(1).hasSupersededAt());
        for (SettlementRecord r : records) {
            double paid = r.getPaymentsList().stream().mapToDouble(p -> p.getAmountPerHour()).sum();
            double compute = r.getComputeRevenueList().stream().mapToDouble(c -> c.getAmountPerHour()).sum();
            double network = r.getNetworkRevenueList().stream().mapToDouble(n -> n.getAmountPerHour()).sum();
            assertEquals(r.getTotals().getUserPaymentsPerHour(), paid, 1e-6);
            assertEquals(r.getTotals().getComputeRevenuePerHour(), compute, 1e-6);
            assertEquals(r.getTotals().getNetworkRevenuePerHour(), network, 1e-6);
            assertEquals(paid - compute - network, r.getTotals().getMerchandisingSurplusPerHour(), 1e-6);
        }
        assertStatus(Status.Code.OUT_OF_RANGE, "to_version 7 is not cleared yet; versions 1 to 2 are retained",
                () -> stub.exportSettlement(ExportSettlementRequest.newBuilder().setToVersion(7).build()).hasNext());
        assertStatus(Status.Code.INVALID_ARGUMENT, "from_version 2 is after to_version 1",
                () -> stub.exportSettlement(ExportSettlementRequest.newBuilder().setFromVersion(2).setToVersion(1)
                        .build()).hasNext());
    }

    @Test
    void healthSaysServingAndReflectionListsTheService() throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(leader.channel).check(HealthCheckRequest.newBuilder()
                .setService("tokenflow.v1.PricingOracle").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> ask = ServerReflectionGrpc.newStub(leader.channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override public void onNext(ServerReflectionResponse value) { answers.add(value); }
                    @Override public void onError(Throwable t) { }
                    @Override public void onCompleted() { }
                });
        ask.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse listed = answers.poll(20, TimeUnit.SECONDS);
        ask.onCompleted();
        assertTrue(listed.getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals("tokenflow.v1.PricingOracle")), listed.toString());
    }
}
