package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.MenuUserType;
import io.tokenflow.api.v1.MenuValueCurve;
import io.tokenflow.api.v1.MenuValuePoint;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.TierMenuRequest;
import io.tokenflow.api.v1.TierMenuResponse;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.MenuCheck;
import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TierMenu over an in-process channel: priced at the live π exactly, mapped both ways, bad input by field. */
class MenuRpcTest {
    private InProcessLeader leader;

    @BeforeEach
    void start() throws Exception {
        leader = new InProcessLeader();
    }

    @AfterEach
    void stop() throws Exception {
        leader.close();
    }

    private static MenuProblem problem(TierMenuRequest r, double cost) {
        return new MenuProblem(r.getName(), cost, new ValueCurve.Saturating(r.getValue().getScaleTokens()),
                r.getTypesList().stream().map(t -> new UserType(t.getId(), t.getShare(), t.getValuePerRequest())).toList(),
                new CapGrid(r.getCaps().getMin(), r.getCaps().getMax(), r.getCaps().getStep()),
                r.getMaxTiers() == 0 ? OptionalInt.empty() : OptionalInt.of(r.getMaxTiers()));
    }

    private static void assertSameMenu(TierMenu expected, TierMenuResponse got) {
        assertEquals(expected.costPerMTokens(), got.getCostPerMTokens(), 0);
        assertEquals(expected.profitPerRequest(), got.getProfitPerRequest(), 0);
        assertEquals(expected.tiers().size(), got.getTiersCount());
        for (int g = 0; g < expected.tiers().size(); g++) {
            TierMenu.Tier t = expected.tiers().get(g);
            assertEquals(t.capTokens(), got.getTiers(g).getCapTokens());
            assertEquals(t.pricePerRequest(), got.getTiers(g).getPricePerRequest(), 0);
            assertEquals(t.costFloorPerRequest(), got.getTiers(g).getCostFloorPerRequest(), 0);
            assertEquals(t.types(), got.getTiers(g).getTypesList());
        }
        assertEquals(expected.choices().size(), got.getChoicesCount());
        for (int i = 0; i < expected.choices().size(); i++) {
            TierMenu.Choice c = expected.choices().get(i);
            assertEquals(c.type(), got.getChoices(i).getType());
            assertEquals(c.capTokens(), got.getChoices(i).getCapTokens());
            assertEquals(c.pricePerRequest(), got.getChoices(i).getPricePerRequest(), 0);
            assertEquals(c.surplus(), got.getChoices(i).getSurplus(), 0);
        }
        assertEquals(expected.exact(), got.getExact());
    }

    @Test
    void pricesAtTheLiveMarketsPriceExactlyAndFollowItsVersions() {
        TierMenuRequest request = TierMenuRequests.valid();
        for (String origin : List.of("seattle", "dallas", "chicago")) {
            TierMenuRequest r = request.toBuilder().setOrigin(origin).build();
            TierMenuResponse got = leader.stub.tierMenu(r);
            double pi = leader.stub.quote(QuoteRequest.newBuilder().setOrigin(origin).setWorkloadClass("chat").build())
                    .getPricePerMTokens();
            assertEquals(pi, got.getCostPerMTokens(), 0, "π(" + origin + ", chat) exactly");
            assertEquals(origin, got.getOrigin());
            assertEquals("chat", got.getWorkloadClass());
            assertEquals("chat-dallas", got.getName());
            assertEquals(1, got.getMarketVersion());
            assertFalse(got.getStale());
            TierMenu expected = MenuSolver.solve(problem(r, pi));
            assertEquals(List.of(), MenuCheck.violations(problem(r, pi), expected));
            assertSameMenu(expected, got);
        }
        // a scarcer Seattle: π and with it the menu move, and the answer names the new version
        leader.stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("seattle").setWorkloadClass("chat").setTokensPerSecond(1000)).build());
        TierMenuResponse after = leader.stub.tierMenu(request.toBuilder().setOrigin("seattle").build());
        assertEquals(2, after.getMarketVersion());
        assertEquals(leader.oracle.quote("seattle", "chat").price().price(), after.getCostPerMTokens(), 0);
    }

    @Test
    void readsAPointsCurveAndNoTierLimit() {
        TierMenuRequest r = TierMenuRequests.valid().toBuilder().setMaxTiers(0).setValue(MenuValueCurve.newBuilder()
                .setKind("points").addPoints(MenuValuePoint.newBuilder().setTokens(1000).setValue(0.6))
                .addPoints(MenuValuePoint.newBuilder().setTokens(8000).setValue(1))).build();
        TierMenuResponse got = leader.stub.tierMenu(r);
        assertTrue(got.getTiersCount() >= 1);
        assertTrue(got.getTiers(0).getPricePerRequest() >= got.getTiers(0).getCostFloorPerRequest());
        assertEquals(3, got.getChoicesCount());
    }

    private void assertInvalid(String startsWith, TierMenuRequest r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> leader.stub.tierMenu(r));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith(startsWith), e.getStatus().getDescription());
    }

    @Test
    void refusesBadPopulationsNamingTheField() {
        TierMenuRequest v = TierMenuRequests.valid();
        assertInvalid("origin must not be empty", v.toBuilder().clearOrigin().build());
        assertInvalid("workload_class must not be empty", v.toBuilder().clearWorkloadClass().build());
        assertInvalid("types: the shares add up to 1.1", v.toBuilder().setTypes(2, v.getTypes(2).toBuilder()
                .setShare(0.25)).build());
        assertInvalid("types must hold at least one type", v.toBuilder().clearTypes().build());
        assertInvalid("types[1].valuePerRequest must be finite and >= 0, got NaN", v.toBuilder().setTypes(1,
                v.getTypes(1).toBuilder().setValuePerRequest(Double.NaN)).build());
        assertInvalid("types[0].id must not be empty", v.toBuilder().setTypes(0, v.getTypes(0).toBuilder().clearId())
                .build());
        assertInvalid("value is required", v.toBuilder().clearValue().build());
        assertInvalid("value.kind must be \"saturating\" or \"points\", got ''", v.toBuilder()
                .setValue(MenuValueCurve.getDefaultInstance()).build());
        assertInvalid("value.points[1]: the curve decreases", v.toBuilder().setValue(MenuValueCurve.newBuilder()
                .setKind("points").addPoints(MenuValuePoint.newBuilder().setTokens(1000).setValue(0.6))
                .addPoints(MenuValuePoint.newBuilder().setTokens(2000).setValue(0.5))).build());
        assertInvalid("value.points[1]: the curve is not concave", v.toBuilder().setValue(MenuValueCurve.newBuilder()
                .setKind("points").addPoints(MenuValuePoint.newBuilder().setTokens(1000).setValue(0.1))
                .addPoints(MenuValuePoint.newBuilder().setTokens(2000).setValue(0.6))).build());
        assertInvalid("caps is required", v.toBuilder().clearCaps().build());
        assertInvalid("caps: the grid is empty", v.toBuilder().setCaps(v.getCaps().toBuilder().setMin(50000)).build());
        assertInvalid("caps.step must be >= 1 token, got 0", v.toBuilder().setCaps(v.getCaps().toBuilder().setStep(0))
                .build());
        assertInvalid("caps: the grid has 32000001 points", v.toBuilder().setCaps(v.getCaps().toBuilder().setStep(1)
                .setMin(0).setMax(32_000_000)).build());
        assertInvalid("caps.min must be >= 0 tokens", v.toBuilder().setCaps(v.getCaps().toBuilder().setMin(-1)).build());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> leader.stub.tierMenu(
                v.toBuilder().setWorkloadClass("video").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals("unknown class 'video'", unknown.getStatus().getDescription());
    }

    @Test
    void hostileRequestsEndInTheDocumentedStatusesNeverInternal() {
        SplittableRandom rnd = new SplittableRandom(9);
        double[] odd = {0, -0.0, 1e-320, -1, 1, 0.5, 1e300, Double.NaN, Double.POSITIVE_INFINITY, 0.3333, 1e12};
        EnumSet<Status.Code> seen = EnumSet.noneOf(Status.Code.class);
        for (int run = 0; run < 300; run++) {
            TierMenuRequest.Builder b = TierMenuRequests.valid().toBuilder();
            int n = rnd.nextInt(4);
            b.clearTypes();
            for (int i = 0; i < n; i++) {
                b.addTypes(MenuUserType.newBuilder().setId(rnd.nextInt(3) == 0 ? "" : "t" + rnd.nextInt(3))
                        .setShare(rnd.nextBoolean() ? 1.0 / n : odd[rnd.nextInt(odd.length)])
                        .setValuePerRequest(rnd.nextBoolean() ? 0.01 : odd[rnd.nextInt(odd.length)]));
            }
            if (rnd.nextBoolean()) {
                b.setValue(MenuValueCurve.newBuilder().setKind(rnd.nextBoolean() ? "points" : "saturating")
                        .setScaleTokens(odd[rnd.nextInt(odd.length)])
                        .addPoints(MenuValuePoint.newBuilder().setTokens(odd[rnd.nextInt(odd.length)])
                                .setValue(odd[rnd.nextInt(odd.length)])));
            }
            if (rnd.nextBoolean()) {
                b.setCaps(b.getCaps().toBuilder().setMin(rnd.nextLong()).setMax(rnd.nextLong(1, Long.MAX_VALUE))
                        .setStep(rnd.nextLong()));
            }
            b.setMaxTiers(rnd.nextInt());
            Status.Code code;
            try {
                leader.stub.tierMenu(b.build());
                code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
                assertTrue(e.getStatus().getDescription().length() < 600, e.getStatus().getDescription());
            }
            assertTrue(EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT).contains(code), b.build() + " -> " + code);
            seen.add(code);
        }
        assertTrue(seen.contains(Status.Code.INVALID_ARGUMENT));
    }
}
