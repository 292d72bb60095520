package io.tokenflow.market.model;

/**
 * One change to the inputs of a cleared market, as pushed by providers (capacity) and operators
 * (demand, electricity prices, link capacity). Applying it validates it: an unknown id or an invalid
 * value fails with the id, field and value named, and changes nothing.
 */
public sealed interface MarketUpdate {

    /** The scenario with this change made ({@link Scenario#withUpdates} applies many at once). */
    Scenario applyTo(Scenario scenario);

    /** C_j,k := tokensPerSecond. */
    record CapacityUpdate(String node, String classId, double tokensPerSecond) implements MarketUpdate {
        @Override
        public Scenario applyTo(Scenario scenario) {
            return scenario.withUpdates(java.util.List.of(this));
        }
    }

    /** d_j,k := tokensPerSecond. */
    record DemandUpdate(String origin, String classId, double tokensPerSecond) implements MarketUpdate {
        @Override
        public Scenario applyTo(Scenario scenario) {
            return scenario.withUpdates(java.util.List.of(this));
        }
    }

    /** p_j := pricePerKwh. */
    record ElectricityPriceUpdate(String node, double pricePerKwh) implements MarketUpdate {
        @Override
        public Scenario applyTo(Scenario scenario) {
            return scenario.withUpdates(java.util.List.of(this));
        }
    }

    /** capacity of the directed link from → to := capacityGbps. */
    record LinkCapacityUpdate(String from, String to, double capacityGbps) implements MarketUpdate {
        @Override
        public Scenario applyTo(Scenario scenario) {
            return scenario.withUpdates(java.util.List.of(this));
        }
    }
}
