package io.tokenflow.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.FeasibleSitesRequest;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricingOracleGrpc.PricingOracleBlockingStub;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.RetailDelay;
import io.tokenflow.api.v1.RetailEquilibriumRequest;
import io.tokenflow.api.v1.RetailGame;
import io.tokenflow.api.v1.RetailPriceRange;
import io.tokenflow.api.v1.RetailProvider;
import io.tokenflow.api.v1.RetailUser;
import io.tokenflow.api.v1.RetailWeights;
import io.tokenflow.api.v1.RouteRequest;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.api.v1.UpdateDemandRequest;
import io.tokenflow.api.v1.UpdateElectricityPriceRequest;
import io.tokenflow.api.v1.UpdateLinkCapacityRequest;
import io.tokenflow.api.v1.WatchRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A valid request for every RPC of the five-node market, so {@link StatusContractTest} can break one thing at a
 * time (a field, the size, the caller, the server) and know that thing alone decided the status.
 */
final class ContractCalls {
    static final List<String> UPDATES = List.of("UpdateCapacity", "UpdateDemand", "UpdateElectricityPrice",
            "UpdateLinkCapacity");
    static final List<String> READS = List.of("Quote", "Route", "FeasibleSites", "GetMarket", "WatchPrices",
            "PriceHistory", "TierMenu", "RetailEquilibrium");

    private ContractCalls() {}

    /** A valid request of each RPC, made by {@code change}, then sent on a stub; streams are read to their end. */
    interface Call extends BiFunction<PricingOracleBlockingStub, UnaryOperator<Message>, Object> {}

    static Object drain(Iterator<?> it) {
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }

    /** Every RPC with a valid request; {@code change} may alter the request first. WatchPrices reads one table. */
    static Map<String, Call> calls() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("Quote", (s, change) -> s.quote((QuoteRequest) change.apply(QuoteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").build())));
        calls.put("Route", (s, change) -> s.route((RouteRequest) change.apply(RouteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").setRequestId("r").build())));
        calls.put("FeasibleSites", (s, change) -> s.feasibleSites((FeasibleSitesRequest) change.apply(
                FeasibleSitesRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build())));
        calls.put("GetMarket", (s, change) -> s.getMarket((GetMarketRequest) change.apply(
                GetMarketRequest.getDefaultInstance())));
        calls.put("WatchPrices", (s, change) -> s.watchPrices((WatchRequest) change.apply(
                WatchRequest.getDefaultInstance())).next());
        calls.put("PriceHistory", (s, change) -> s.priceHistory((PriceHistoryRequest) change.apply(
                PriceHistoryRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build())));
        calls.put("ExportSettlement", (s, change) -> drain(s.exportSettlement((ExportSettlementRequest) change.apply(
                ExportSettlementRequest.getDefaultInstance()))));
        calls.put("UpdateCapacity", (s, change) -> s.updateCapacity((UpdateCapacityRequest) change.apply(
                UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                        .setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1e6)).build())));
        calls.put("UpdateDemand", (s, change) -> s.updateDemand((UpdateDemandRequest) change.apply(
                UpdateDemandRequest.newBuilder().setWaitForClear(true).addUpdates(DemandUpdate.newBuilder()
                        .setOrigin("dallas").setWorkloadClass("chat").setTokensPerSecond(1e5)).build())));
        calls.put("UpdateElectricityPrice", (s, change) -> s.updateElectricityPrice((UpdateElectricityPriceRequest)
                change.apply(UpdateElectricityPriceRequest.newBuilder().setWaitForClear(true).addUpdates(
                        ElectricityPriceUpdate.newBuilder().setNode("dallas").setPricePerKwh(0.1)).build())));
        calls.put("UpdateLinkCapacity", (s, change) -> s.updateLinkCapacity((UpdateLinkCapacityRequest) change.apply(
                UpdateLinkCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(LinkCapacityUpdate.newBuilder()
                        .setFromNode("dallas").setToNode("chicago").setCapacityGbps(100)).build())));
        calls.put("TierMenu", (s, change) -> s.tierMenu((io.tokenflow.api.v1.TierMenuRequest) change.apply(
                TierMenuRequests.valid())));
        calls.put("RetailEquilibrium", (s, change) -> s.retailEquilibrium((RetailEquilibriumRequest) change.apply(
                retailRequest(1e6))));
        return calls;
    }

    /** A two-provider game whose target takes its cost from dallas × chat; {@code capacity} for the target. */
    static RetailEquilibriumRequest retailRequest(double capacity) {
        return RetailEquilibriumRequest.newBuilder().setCurvePoints(5).setGame(RetailGame.newBuilder()
                .setName("contract").setWeights(RetailWeights.newBuilder().setCongestion(1))
                .addProviders(RetailProvider.newBuilder().setId("a").setPrice(1).setCapacity(capacity).setValue(5)
                        .setNode("dallas").setWorkloadClass("chat"))
                .addProviders(RetailProvider.newBuilder().setId("b").setPrice(2).setCapacity(1e6).setValue(5))
                .addUsers(RetailUser.newBuilder().setId("u").setDemand(1e6)
                        .addDelays(RetailDelay.newBuilder().setProvider("a").setMs(10))
                        .addDelays(RetailDelay.newBuilder().setProvider("b").setMs(10)))
                .setTarget("a").setPriceRange(RetailPriceRange.newBuilder().setLo(0).setHi(10))).build();
    }

    static Message withUnknownBytes(Message m, int bytes) {
        return m.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(999, UnknownFieldSet.Field
                .newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build()).build()).build();
    }
}
