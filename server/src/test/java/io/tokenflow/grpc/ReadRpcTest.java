package io.tokenflow.grpc;

import static io.tokenflow.grpc.ControllableLeader.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.FeasibleSitesResponse;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.PriceCause;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PricePoint;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteReason;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.Site;
import io.tokenflow.api.v1.UnservedHint;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ClearingResultJson;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quote, Route, FeasibleSites and PriceHistory over an in-process channel: the answers and every error status. */
class ReadRpcTest {
    @RegisterExtension
    final ControllableLeader leader = new ControllableLeader();
    private final PricingOracleGrpc.PricingOracleBlockingStub stub = leader.stub;

    @Test
    void quotesEqualAnIndependentClearOfTheSameScenario() throws Exception {
        // what `tokenflow clear --format json` prints: a fresh clearing written as the clearing-result format
        JsonNode cleared = new ObjectMapper().readTree(ClearingResultJson.write(
                MarketClearing.clearOnce(EmbeddedScenarios.get("five-node"), SolverKind.GLOP)));
        int quoted = 0;
        for (JsonNode p : cleared.get("prices")) {
            QuoteResponse q = leader.quote(p.get("node").asText(), p.get("class").asText());
            assertEquals(p.get("price").asDouble(), q.getPricePerMTokens(), 1e-9, p.toString());
            assertEquals(q.getPricePerMTokens(), q.getEnergy() + q.getScarcity() + q.getRouting() + q.getCongestion()
                    + q.getUnservedPenalty(), 1e-9, "eq. 9 terms add up");
            assertEquals(q.getOrigin(), q.getPath(0));
            assertEquals(q.getServingNode(), q.getPath(q.getPathCount() - 1));
            assertEquals(1, q.getMarketVersion());
            assertFalse(q.getStale());
            assertFalse(q.hasAge(), "age comes only with stale answers");
            assertTrue(q.getClearedAt().getSeconds() > 0);
            quoted++;
        }
        assertEquals(20, quoted, "five nodes x four classes");
    }

    @Test
    void quoteErrorsNameTheFieldOrId() {
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> leader.quote("atlantis", "chat"));
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> leader.quote("dallas", "video"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "origin must not be empty", () -> leader.quote("", "chat"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "workload_class must not be empty", () -> leader.quote("dallas", ""));
    }

    @Test
    void routeFollowsTheSplitAndFailsOverToTheCheapestRemainingSite() {
        RouteResponse r = stub.route(RouteRequest.newBuilder().setOrigin("silicon-valley").setWorkloadClass("image")
                .setRequestId("req-1").build());
        QuoteResponse q = leader.quote("silicon-valley", "image");
        assertEquals(RouteReason.ROUTE_REASON_CLEARED_SPLIT, r.getReason());
        assertEquals(q.getPricePerMTokens(), r.getPricePerMTokens());
        assertEquals(q.getPricePerMTokens(), r.getDeliveredCostPerMTokens(), 1e-9, "split sites deliver at the price");
        assertTrue(r.getClearedShare() > 0 && r.getClearedShare() <= 1);
        assertEquals("silicon-valley", r.getPath(0));
        assertEquals(1, r.getMarketVersion());

        RouteResponse failover = stub.route(RouteRequest.newBuilder().setOrigin("silicon-valley")
                .setWorkloadClass("image").setRequestId("req-1").addExcludeNodes(r.getServingNode()).build());
        assertEquals(RouteReason.ROUTE_REASON_CHEAPEST_REMAINING, failover.getReason());
        assertNotEquals(r.getServingNode(), failover.getServingNode());
        FeasibleSitesResponse sites = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("silicon-valley")
                .setWorkloadClass("image").build());
        // the cheapest remaining site that the cleared market leaves room in
        Site expected = sites.getSitesList().stream().filter(s -> !s.getNode().equals(r.getServingNode()))
                .filter(s -> s.getSpareTokensPerSecond() > 0.1).findFirst().orElseThrow();
        assertEquals(expected.getNode(), failover.getServingNode());
        assertEquals(expected.getLatencyMs(), failover.getLatencyMs());
        assertEquals(UnservedHint.UNSERVED_HINT_UNSPECIFIED, failover.getUnservedHint());
        assertEquals(0, failover.getUnservedShare());

        assertStatus(Status.Code.INVALID_ARGUMENT, "request_id must not be empty", () -> stub.route(
                RouteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> stub.route(RouteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").setRequestId("x").addExcludeNodes("atlantis").build()));
        RouteRequest.Builder everything = RouteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
                .setRequestId("x");
        List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle").forEach(everything::addExcludeNodes);
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> stub.route(everything.build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, none.getStatus().getCode());
        assertTrue(none.getStatus().getDescription().startsWith("no feasible site for origin 'dallas' class 'chat'"));
    }

    @Test
    void feasibleSitesAreSortedAndTheCheapestDeliversAtTheQuote() {
        FeasibleSitesResponse sites = stub.feasibleSites(FeasibleSitesRequest.newBuilder().setOrigin("chicago")
                .setWorkloadClass("batch").build());
        assertTrue(sites.getSitesCount() >= 2);
        for (int i = 1; i < sites.getSitesCount(); i++) {
            assertTrue(sites.getSites(i - 1).getDeliveredCostPerMTokens() <= sites.getSites(i).getDeliveredCostPerMTokens());
        }
        for (Site s : sites.getSitesList()) {
            assertEquals(s.getDeliveredCostPerMTokens(), s.getSitePricePerMTokens() + s.getRouting() + s.getCongestion(),
                    1e-12);
            assertEquals(s.getSitePricePerMTokens(), s.getEnergy() + s.getScarcity(), 1e-12);
            assertTrue(s.getEnergy() > 0 && s.getScarcity() >= 0, s.toString());
        }
        QuoteResponse quote = leader.quote("chicago", "batch");
        assertEquals(quote.getPricePerMTokens(), sites.getSites(0).getDeliveredCostPerMTokens(), 1e-9);
        Site serving = sites.getSitesList().stream().filter(s -> s.getNode().equals(quote.getServingNode()))
                .findFirst().orElseThrow();
        assertEquals(quote.getEnergy(), serving.getEnergy(), 1e-12);
        assertEquals(quote.getScarcity(), serving.getScarcity(), 1e-12);
        assertEquals(1.0, sites.getSitesList().stream().mapToDouble(Site::getClearedShare).sum(), 1e-9);
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> stub.feasibleSites(
                FeasibleSitesRequest.newBuilder().setOrigin("chicago").setWorkloadClass("video").build()));
    }

    private static void assertPricedAsQuoted(QuoteResponse q, PricePoint p) {
        assertEquals(q.getMarketVersion(), p.getMarketVersion());
        assertEquals(q.getClearedAt(), p.getClearedAt());
        assertEquals(q.getPricePerMTokens(), p.getPricePerMTokens());
        assertEquals(q.getEnergy(), p.getEnergy());
        assertEquals(q.getScarcity(), p.getScarcity());
        assertEquals(q.getRouting(), p.getRouting());
        assertEquals(q.getCongestion(), p.getCongestion());
        assertEquals(q.getUnservedPenalty(), p.getUnservedPenalty());
        assertEquals(q.getServingNode(), p.getServingNode());
    }

    private PriceHistoryResponse priceHistory(String origin, String cls) {
        return stub.priceHistory(PriceHistoryRequest.newBuilder().setOrigin(origin).setWorkloadClass(cls).build());
    }

    @Test
    void priceHistoryAnswersEachVersionAsQuoteDidWithWhatMadeIt() {
        double capacityBefore = stub.getMarket(GetMarketRequest.getDefaultInstance()).getCapacitiesList().stream()
                .filter(c -> c.getNode().equals("dallas") && c.getWorkloadClass().equals("code")).findFirst()
                .orElseThrow().getTokensPerSecond();
        QuoteResponse first = leader.quote("ashburn", "code");
        stub.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate
                .newBuilder().setNode("dallas").setWorkloadClass("code").setTokensPerSecond(1_000_000)).build());
        QuoteResponse second = leader.quote("ashburn", "code");
        assertNotEquals(first.getPricePerMTokens(), second.getPricePerMTokens());

        PriceHistoryResponse history = priceHistory("ashburn", "code");
        assertEquals("ashburn", history.getOrigin());
        assertEquals("code", history.getWorkloadClass());
        assertEquals(2, history.getPointsCount());
        assertPricedAsQuoted(first, history.getPoints(0));
        assertPricedAsQuoted(second, history.getPoints(1));
        assertEquals(1, history.getOldestRetainedVersion());
        assertEquals(first.getClearedAt(), history.getOldestRetainedAt());

        PricePoint initial = history.getPoints(0);
        assertEquals("initial", initial.getCause());
        assertEquals(List.of(PriceCause.newBuilder().setKind("initial").build()), initial.getCausesList());
        PricePoint dropped = history.getPoints(1);
        assertEquals(List.of(PriceCause.newBuilder().setKind("capacity").setSubject("dallas/code")
                .setPreviousValue(capacityBefore).setValue(1_000_000).setUnit("tokens/s").build()),
                dropped.getCausesList());
        assertEquals("capacity dallas/code " + new java.math.BigDecimal(Double.toString(capacityBefore))
                .stripTrailingZeros().toPlainString() + " -> 1000000 tokens/s", dropped.getCause());
        assertEquals(0, dropped.getCausesOmitted());

        PriceHistoryResponse since = stub.priceHistory(PriceHistoryRequest.newBuilder().setOrigin("ashburn")
                .setWorkloadClass("code").setSince(second.getClearedAt()).build());
        assertEquals(List.of(dropped), since.getPointsList());
        assertEquals(1, since.getOldestRetainedVersion(), "set even when since leaves the oldest out");
        assertEquals(first.getClearedAt(), since.getOldestRetainedAt());
    }

    @Test
    void priceHistoryErrorsNameTheFieldOrId() {
        assertStatus(Status.Code.NOT_FOUND, "unknown node 'atlantis'", () -> priceHistory("atlantis", "chat"));
        assertStatus(Status.Code.NOT_FOUND, "unknown class 'video'", () -> priceHistory("dallas", "video"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "origin must not be empty", () -> priceHistory("", "chat"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "workload_class must not be empty", () -> priceHistory("dallas", ""));
        PriceHistoryRequest.Builder request = PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat");
        assertStatus(Status.Code.INVALID_ARGUMENT, "since: nanos must be in [0, 999999999], got -1",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder().setNanos(-1))
                        .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "since: nanos must be in [0, 999999999], got 1000000000",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder()
                        .setNanos(1_000_000_000)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "since: seconds must be in [-62135596800, 253402300799], got 9223372036854775807",
                () -> stub.priceHistory(request.setSince(com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(Long.MAX_VALUE)).build()));
        // the oldest valid time is fine: every retained version was cleared after it
        assertEquals(1, stub.priceHistory(request.setSince(com.google.protobuf.util.Timestamps.MIN_VALUE)
                .build()).getPointsCount());
    }
}
