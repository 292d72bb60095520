package io.tokenflow.grpc;

import static io.tokenflow.grpc.ControllableLeader.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.Site;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateCapacityResponse;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The four update RPCs over an in-process channel: accepted, rejected, waited for, and a failing solver. */
class UpdateRpcTest {
    @RegisterExtension
    final ControllableLeader leader = new ControllableLeader();
    private final PricingOracleGrpc.PricingOracleBlockingStub stub = leader.stub;

    @Test
    void aCapacityDropWithWaitForClearMovesThePrice() {
        QuoteResponse before = leader.quote("ashburn", "code");
        UpdateCapacityResponse r = stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("code")
                        .setTokensPerSecond(1_000_000)).build());
        assertEquals(2, r.getMarketVersion());
        assertTrue(r.getCleared());
        QuoteResponse after = leader.quote("ashburn", "code");
        assertEquals(2, after.getMarketVersion());
        assertTrue(after.getPricePerMTokens() > before.getPricePerMTokens(),
                before.getPricePerMTokens() + " -> " + after.getPricePerMTokens());
        GetMarketResponse market = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(1_000_000, market.getCapacitiesList().stream()
                .filter(c -> c.getNode().equals("dallas") && c.getWorkloadClass().equals("code")).findFirst()
                .orElseThrow().getTokensPerSecond());
    }

    @Test
    void rejectedUpdatesNameFieldAndValueAndChangeNothing() {
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[1].tokens_per_second for node 'dallas' class 'image' must be finite and >= 0, got NaN",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder()
                        .addUpdates(CapacityUpdate.newBuilder().setNode("seattle").setWorkloadClass("code").setTokensPerSecond(1))
                        .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("image")
                                .setTokensPerSecond(Double.NaN)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[0].tokens_per_second for origin 'dallas' class 'chat' must be finite and >= 0, got -1.0",
                () -> stub.updateDemand(UpdateDemandRequest.newBuilder().addUpdates(DemandUpdate.newBuilder()
                        .setOrigin("dallas").setWorkloadClass("chat").setTokensPerSecond(-1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[0].price_per_kwh for node 'dallas' must be finite and >= 0, got Infinity",
                () -> stub.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().addUpdates(
                        ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(Double.POSITIVE_INFINITY))
                        .build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown link 'dallas->atlantis'",
                () -> stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder().addUpdates(
                        LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("atlantis").setCapacityGbps(1))
                        .build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder()
                        .setNode("atlantis").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates[0].node must not be empty",
                () -> stub.updateCapacity(UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder()
                        .setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates must not be empty",
                () -> stub.updateDemand(UpdateDemandRequest.getDefaultInstance()));
        UpdateDemandRequest.Builder six = UpdateDemandRequest.newBuilder();
        for (String node : List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle")) {
            six.addUpdates(DemandUpdate.newBuilder().setOrigin(node).setWorkloadClass("chat").setTokensPerSecond(1));
        }
        six.addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("code").setTokensPerSecond(1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "updates has 6 entries, more than the limit of 5 per call",
                () -> stub.updateDemand(six.build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "updates[1] sets the capacity of link 'dallas->ashburn' again (updates[0] already does)",
                () -> stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder()
                        .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("ashburn").setCapacityGbps(1))
                        .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("dallas").setToNode("ashburn").setCapacityGbps(2))
                        .build()));

        assertEquals(1, stub.getMarket(GetMarketRequest.getDefaultInstance()).getMarketVersion());
        assertEquals(List.of(List.of()), leader.engine().batches(), "no rejected update reached the engine");
    }

    @Test
    void everyUpdateKindIsAcceptedAllOrNothingIntoOneVersion() {
        assertEquals(2, stub.updateDemand(UpdateDemandRequest.newBuilder().setWaitForClear(true)
                .addUpdates(DemandUpdate.newBuilder().setOrigin("dallas").setWorkloadClass("batch").setTokensPerSecond(10))
                .build()).getMarketVersion());
        assertEquals(3, stub.updateElectricityPrice(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true)
                .addUpdates(ElectricityPriceUpdate.newBuilder().setNode("seattle").setPricePerKwh(0.2)).build())
                .getMarketVersion());
        assertEquals(4, stub.updateLinkCapacity(UpdateLinkCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(LinkCapacityUpdate.newBuilder().setFromNode("silicon-valley").setToNode("seattle")
                        .setCapacityGbps(0)).build()).getMarketVersion());
        GetMarketResponse market = stub.getMarket(GetMarketRequest.getDefaultInstance());
        assertEquals(4, market.getMarketVersion());
        assertEquals(20, market.getCapacitiesCount());
        assertEquals(20, market.getDemandsCount());
        assertEquals(10, market.getDemandsList().stream().filter(d -> d.getOrigin().equals("dallas")
                && d.getWorkloadClass().equals("batch")).findFirst().orElseThrow().getTokensPerSecond());
        assertEquals(0, market.getResult().getFlowsList().stream().filter(f -> f.getFromNode().equals("silicon-valley")
                && f.getToNode().equals("seattle")).mapToDouble(f -> f.getTokensPerSecond()).sum(), 1e-9,
                "the closed link carries nothing");
        assertEquals(20, market.getResult().getPricesCount());
        // seattle's compute now costs 0.2 $/kWh: its site price is that times chat's kWh per M tokens, plus μ
        double kwh = EmbeddedScenarios.get("five-node").workloadClass("chat").kwhPerMTokens();
        double mu = market.getResult().getProcessingList().stream().filter(x -> x.getNode().equals("seattle")
                && x.getWorkloadClass().equals("chat")).findFirst().orElseThrow().getScarcityRent();
        Site seattle = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("seattle").setWorkloadClass("chat")
                .build()).getSitesList().stream().filter(s -> s.getNode().equals("seattle")).findFirst().orElseThrow();
        assertEquals(0.2 * kwh + mu, seattle.getSitePricePerMTokens(), 1e-12);
    }

    @Test
    void waitForClearHonoursTheDeadlineAndTheUpdateStaysAccepted() throws Exception {
        leader.engine().hold();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PricingOracleGrpc
                .newBlockingStub(leader.channel).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                        .newBuilder().setNode("chicago").setWorkloadClass("chat").setTokensPerSecond(123)).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        leader.engine().open();
        leader.oracle.whenCleared(2).get(20, TimeUnit.SECONDS);
        assertEquals(123, leader.oracle.state().snapshot().scenario().node("chicago").capacityOf("chat"));
    }

    @Test
    void aFailingSolverKeepsQuotesAvailableMarkedStale() {
        leader.engine().setFailing(true);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.updateCapacity(
                UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                        .setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("the update was accepted as version 2 but its re-clear "
                + "failed"), e.getStatus().getDescription());
        QuoteResponse q = leader.quote("dallas", "chat");
        assertTrue(q.getStale());
        assertTrue(q.hasAge(), "a stale answer says how old it is");
        assertEquals(1, q.getMarketVersion());
        assertTrue(q.getPricePerMTokens() > 0);
        assertTrue(stub.getMarket(GetMarketRequest.getDefaultInstance()).getStale());
    }
}
