package io.tokenflow.market.model;

import java.util.List;

/**
 * One change to the inputs of a cleared market, as pushed by providers (capacity) and operators
 * (demand, electricity prices, link capacity). Applying it validates it: an unknown id or an invalid
 * value fails with the id, field and value named, and changes nothing.
 */
public sealed interface MarketUpdate {

    /** The scenario with this change made ({@link Scenario#withUpdates} applies many at once). */
    default Scenario applyTo(Scenario scenario) {
        return scenario.withUpdates(List.of(this));
    }

    /** C_j,k := tokensPerSecond. */
    record CapacityUpdate(String node, String classId, double tokensPerSecond) implements MarketUpdate {}

    /** d_j,k := tokensPerSecond. */
    record DemandUpdate(String origin, String classId, double tokensPerSecond) implements MarketUpdate {}

    /** p_j := pricePerKwh. */
    record ElectricityPriceUpdate(String node, double pricePerKwh) implements MarketUpdate {}

    /** capacity of the directed link from → to := capacityGbps. */
    record LinkCapacityUpdate(String from, String to, double capacityGbps) implements MarketUpdate {}
}
