package io.tokenflow.market.retail;

import static io.tokenflow.market.retail.GameChecks.finite;
import static io.tokenflow.market.retail.GameChecks.format;
import static io.tokenflow.market.retail.GameChecks.id;
import static io.tokenflow.market.retail.GameChecks.nonNegative;
import static io.tokenflow.market.retail.GameChecks.positive;
import static io.tokenflow.market.retail.GameChecks.quote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A retail pricing game (the retail format v1, docs/retail.md): providers post prices, users split their
 * token demand across the providers available to them by the cost C_i = Σ_j f_ij (w_p p_j + w_q Q_j +
 * w_d d_ij − b_j), and an optional target provider asks which price in {@code priceRange} maximises its
 * profit. This is the Stackelberg routing game of Guo, Bai and Jin, "Pricing Online LLM Services with
 * Data-Calibrated Stackelberg Routing Game" (AAAI-26, arXiv:2511.09062).
 *
 * <p>The constructor checks every rule of the format and fails with an {@link InvalidGameException} naming
 * the field by its JSON path ({@code providers[1].capacity}) and the value. Immutable.
 *
 * @param target     the provider whose price is optimised; empty: only the equilibrium at the posted prices
 * @param priceRange the target's price range; required with a target
 */
public record RetailGame(
        String name,
        Weights weights,
        List<Provider> providers,
        List<User> users,
        Optional<String> target,
        Optional<PriceRange> priceRange) {

    /**
     * The users' cost weights.
     *
     * @param price      w_p > 0 (normally 1: the other weights are then in $/M tokens per unit)
     * @param congestion w_q > 0, per unit of Q_j = Σ_i f_ij / α_j
     * @param delay      w_d ≥ 0, per millisecond
     */
    public record Weights(double price, double congestion, double delay) {}

    /**
     * One provider.
     *
     * @param price        posted price p_j, $/M tokens (the target's is only a starting point)
     * @param capacity     α_j > 0, the serving rate that scales congestion (same unit as demand); not a limit
     * @param value        b_j, the users' perceived value, $/M tokens
     * @param marginalCost the provider's cost of a served M tokens, when given as a number
     * @param site         the node × class whose site price (g + μ in a cleared market) is its cost instead
     */
    public record Provider(String id, double price, double capacity, double value, OptionalDouble marginalCost,
            Optional<Site> site) {

        public Provider {
            Objects.requireNonNull(marginalCost, "marginalCost");
            Objects.requireNonNull(site, "site");
        }

        /** A provider whose cost is not given (0, as for a revenue maximiser). */
        public static Provider of(String id, double price, double capacity, double value) {
            return new Provider(id, price, capacity, value, OptionalDouble.empty(), Optional.empty());
        }

        public Provider withPrice(double newPrice) {
            return new Provider(id, newPrice, capacity, value, marginalCost, site);
        }
    }

    /** A node × class of a cleared market, the place a provider serves from. */
    public record Site(String node, String classId) {}

    /**
     * One user (an app or enterprise client, aggregated).
     *
     * @param demand  D_i > 0, tokens/s
     * @param delayMs d_ij ≥ 0 per available provider, in the order given; a provider not listed is unavailable
     */
    public record User(String id, double demand, Map<String, Double> delayMs) {
        public User {
            delayMs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delayMs));
        }
    }

    /** The target's price range [lo, hi], lo < hi. */
    public record PriceRange(double lo, double hi) {
        public PriceRange {
            finite("priceRange[0]", lo);
            finite("priceRange[1]", hi);
            if (!(lo < hi)) {
                throw new InvalidGameException("priceRange must have lo < hi, got [" + format(lo) + ", "
                        + format(hi) + "]");
            }
        }
    }

    public RetailGame {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(priceRange, "priceRange");
        name = name == null ? "unnamed" : name;
        providers = List.copyOf(providers);
        users = List.copyOf(users);
        positive("weights.price", weights.price());
        positive("weights.congestion", weights.congestion());
        nonNegative("weights.delay", weights.delay());
        if (providers.isEmpty()) {
            throw new InvalidGameException("providers must list at least one provider");
        }
        if (users.isEmpty()) {
            throw new InvalidGameException("users must list at least one user");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < providers.size(); j++) {
            checkProvider(j, providers.get(j), seen);
        }
        Map<String, Integer> seenUsers = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            checkUser(i, users.get(i), seen, seenUsers);
        }
        if (target.isPresent() && !seen.containsKey(target.get())) {
            throw new InvalidGameException("target " + quote(target.get()) + " is not a provider id");
        }
        if (target.isPresent() && priceRange.isEmpty()) {
            throw new InvalidGameException("priceRange is required with a target");
        }
    }

    private static void checkProvider(int j, Provider p, Map<String, Integer> seen) {
        String at = "providers[" + j + "].";
        id(at + "id", p.id());
        if (seen.putIfAbsent(p.id(), j) != null) {
            throw new InvalidGameException(at + "id " + quote(p.id()) + " is given twice (also providers["
                    + seen.get(p.id()) + "])");
        }
        nonNegative(at + "price", p.price());
        positive(at + "capacity", p.capacity());
        finite(at + "value", p.value());
        if (p.marginalCost().isPresent()) {
            finite(at + "marginalCost", p.marginalCost().getAsDouble());
            if (p.site().isPresent()) {
                throw new InvalidGameException(at + "marginalCost and node/class are both given: give one");
            }
        }
        p.site().ifPresent(s -> {
            id(at + "node", s.node());
            id(at + "class", s.classId());
        });
    }

    private static void checkUser(int i, User u, Map<String, Integer> providers, Map<String, Integer> seen) {
        String at = "users[" + i + "].";
        id(at + "id", u.id());
        if (seen.putIfAbsent(u.id(), i) != null) {
            throw new InvalidGameException(at + "id " + quote(u.id()) + " is given twice (also users["
                    + seen.get(u.id()) + "])");
        }
        positive(at + "demand", u.demand());
        if (u.delayMs().isEmpty()) {
            throw new InvalidGameException(at + "delayMs is empty: user " + quote(u.id())
                    + " has no available provider");
        }
        for (Map.Entry<String, Double> d : u.delayMs().entrySet()) {
            if (!providers.containsKey(d.getKey())) {
                throw new InvalidGameException(at + "delayMs names " + quote(d.getKey()) + ", which is not a provider id");
            }
            nonNegative(at + "delayMs." + d.getKey(), d.getValue() == null ? Double.NaN : d.getValue());
        }
    }

    /** The index of a provider in {@link #providers}, or -1. */
    public int providerIndex(String id) {
        for (int j = 0; j < providers.size(); j++) {
            if (providers.get(j).id().equals(id)) {
                return j;
            }
        }
        return -1;
    }

    public Provider provider(String id) {
        int j = providerIndex(id);
        if (j < 0) {
            throw new InvalidGameException("no provider " + quote(id));
        }
        return providers.get(j);
    }

    /** The posted prices, in the order of {@link #providers}. */
    public double[] postedPrices() {
        return providers.stream().mapToDouble(Provider::price).toArray();
    }

    /** The same game with one provider's posted price changed. */
    public RetailGame withPrice(String providerId, double price) {
        int j = providerIndex(providerId);
        List<Provider> changed = new ArrayList<>(providers);
        changed.set(j, providers.get(j).withPrice(price));
        return new RetailGame(name, weights, changed, users, target, priceRange);
    }

    /** The same game with another target (or none). */
    public RetailGame withTarget(Optional<String> newTarget, Optional<PriceRange> range) {
        return new RetailGame(name, weights, providers, users, newTarget, range);
    }

    /** Σ_i D_i, tokens/s. */
    public double totalDemand() {
        return users.stream().mapToDouble(User::demand).sum();
    }
}
