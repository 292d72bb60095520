package io.tokenflow.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A retail pricing game to send to {@link PricingOracleClient#retailEquilibrium}: field for field the retail
 * format of the oracle's docs/retail.md (the oracle checks every rule and names the field it refuses).
 *
 * @param priceWeight      w_p (normally 1)
 * @param congestionWeight w_q > 0
 * @param delayWeight      w_d ≥ 0, per ms
 * @param target           the provider whose price is optimised; empty for the equilibrium at posted prices
 * @param priceRange       the target's price range; required with a target
 */
public record RetailGameSpec(String name, double priceWeight, double congestionWeight, double delayWeight,
        List<Provider> providers, List<User> users, Optional<String> target, Optional<PriceRange> priceRange) {

    public RetailGameSpec {
        providers = List.copyOf(providers);
        users = List.copyOf(users);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(priceRange, "priceRange");
    }

    /**
     * One provider. Its cost is {@code marginalCost}, or the site price of {@code node} × {@code workloadClass}
     * in the oracle's live market (give one or neither; neither counts 0).
     */
    public record Provider(String id, double price, double capacity, double value, OptionalDouble marginalCost,
            Optional<String> node, Optional<String> workloadClass) {}

    /** One user: its demand, tokens/s, and the delay (ms) to each provider available to it, in order. */
    public record User(String id, double demand, Map<String, Double> delayMs) {
        public User {
            delayMs = Collections.unmodifiableMap(new LinkedHashMap<>(delayMs));
        }
    }

    /** [lo, hi], $/M tokens. */
    public record PriceRange(double lo, double hi) {}
}
