package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.RetailDelay;
import io.tokenflow.api.v1.RetailEquilibriumRequest;
import io.tokenflow.api.v1.RetailEquilibriumResponse;
import io.tokenflow.api.v1.RetailGame;
import io.tokenflow.api.v1.RetailPriceRange;
import io.tokenflow.api.v1.RetailProvider;
import io.tokenflow.api.v1.RetailUser;
import io.tokenflow.api.v1.RetailWeights;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.service.MarketSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RetailEquilibrium over an in-process channel: costs from the live version's site prices, errors by field. */
class RetailEquilibriumRpcTest {
    private InProcessLeader leader;

    @BeforeEach
    void start() throws Exception {
        leader = new InProcessLeader();
    }

    @AfterEach
    void stop() throws Exception {
        leader.close();
    }

    private static RetailProvider.Builder provider(String id, double price) {
        return RetailProvider.newBuilder().setId(id).setPrice(price).setCapacity(1e6).setValue(8);
    }

    private static RetailEquilibriumRequest.Builder request(RetailProvider.Builder target) {
        return RetailEquilibriumRequest.newBuilder().setCurvePoints(11).setGame(RetailGame.newBuilder().setName("rpc")
                .setWeights(RetailWeights.newBuilder().setCongestion(1).setDelay(0.001))
                .addProviders(target)
                .addProviders(provider("rival", 2))
                .addUsers(RetailUser.newBuilder().setId("app").setDemand(1e6)
                        .addDelays(RetailDelay.newBuilder().setProvider("a").setMs(40))
                        .addDelays(RetailDelay.newBuilder().setProvider("rival").setMs(60)))
                .setTarget("a").setPriceRange(RetailPriceRange.newBuilder().setLo(0).setHi(10)));
    }

    /** g + μ of a node × class, from the scenario's numbers and the cleared rent. */
    private static double sitePrice(MarketSnapshot s, String node, String cls) {
        Scenario scenario = s.scenario();
        ComputeNode n = scenario.node(node);
        WorkloadClass k = scenario.workloadClass(cls);
        return n.electricityPricePerKwh() * k.kwhPerMTokens() + n.opexPerMTokens() + k.opexPerMTokens()
                + s.result().processing(node, cls).scarcityRent();
    }

    @Test
    void theTargetIsCostedAtTheLiveSitePriceOfItsNodeAndClass() throws Exception {
        RetailEquilibriumResponse r = leader.stub.retailEquilibrium(request(provider("a", 1).setNode("dallas")
                .setWorkloadClass("image")).build());
        MarketSnapshot now = leader.oracle.state().snapshot();
        assertEquals(now.version(), r.getMarketVersion());
        assertEquals(sitePrice(now, "dallas", "image"), r.getOptimum().getMarginalCost(), 1e-12);
        assertTrue(r.getOptimum().getExact());
        assertEquals(11, r.getOptimum().getCurveCount());
        assertEquals(r.getOptimum().getProfit(), (r.getOptimum().getPrice() - r.getOptimum().getMarginalCost())
                * r.getOptimum().getFlow(), 1e-6 * Math.abs(r.getOptimum().getProfit()));

        // halve the site's capacity: the next version's rent moves the cost, and the answer says which version
        double capacity = now.scenario().node("dallas").capacityOf("image");
        leader.stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("dallas").setWorkloadClass("image").setTokensPerSecond(capacity / 2)).build());
        RetailEquilibriumResponse after = leader.stub.retailEquilibrium(request(provider("a", 1).setNode("dallas")
                .setWorkloadClass("image")).build());
        MarketSnapshot later = leader.oracle.state().snapshot();
        assertEquals(later.version(), after.getMarketVersion());
        assertTrue(later.result().processing("dallas", "image").scarcityRent() > 0, "halved capacity is scarce");
        assertEquals(sitePrice(later, "dallas", "image"), after.getOptimum().getMarginalCost(), 1e-12);
    }

    @Test
    void withoutATargetItAnswersTheEquilibriumAtPostedPrices() {
        RetailEquilibriumResponse r = leader.stub.retailEquilibrium(request(provider("a", 1)).setGame(
                request(provider("a", 1)).getGame().toBuilder().clearTarget().clearPriceRange()).build());
        assertTrue(!r.hasOptimum());
        assertEquals(1e6, r.getEquilibriumList().stream().mapToDouble(f -> f.getTokensPerSecond()).sum(), 1e-3);
        assertEquals(1, r.getUserCostsCount());
    }

    private void assertInvalid(String message, RetailEquilibriumRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> leader.stub.retailEquilibrium(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(message, e.getStatus().getDescription());
    }

    @Test
    void badGamesNameTheRequestField() {
        assertInvalid("game.providers[0].capacity must be finite, > 0 and <= 1e12, got 0",
                request(provider("a", 1).setCapacity(0)).build());
        assertInvalid("game.providers[0].marginal_cost and node/workload_class are both given: give one",
                request(provider("a", 1).setMarginalCost(1).setNode("dallas").setWorkloadClass("chat")).build());
        assertInvalid("game.providers[0].node 'atlantis' is not a node of market '"
                        + leader.oracle.state().snapshot().scenario().name() + "'",
                request(provider("a", 1).setNode("atlantis").setWorkloadClass("chat")).build());
        assertInvalid("game.providers[0]: node and workload_class go together, got only node",
                request(provider("a", 1).setNode("dallas")).build());
        assertInvalid("game.price_range must have lo < hi, got [10, 10]", request(provider("a", 1)).setGame(
                request(provider("a", 1)).getGame().toBuilder().setPriceRange(RetailPriceRange.newBuilder().setLo(10)
                        .setHi(10))).build());
        assertInvalid("game.users[0].delays names 'ghost', which is not a provider id", request(provider("a", 1))
                .setGame(request(provider("a", 1)).getGame().toBuilder().setUsers(0, request(provider("a", 1)).getGame()
                        .getUsers(0).toBuilder().addDelays(RetailDelay.newBuilder().setProvider("ghost")))).build());
        assertInvalid("curve_points must be <= 10001, got 20000", request(provider("a", 1)).setCurvePoints(20000).build());
    }
}
