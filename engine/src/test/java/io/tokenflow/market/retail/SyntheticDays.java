package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Observed days made from a known game: each day perturbs prices, capacities, demands and delays, and
 * observes the equilibrium flows, optionally with multiplicative noise (demand is then the sum of the
 * noisy flows, as a platform's logs would show it).
 */
final class SyntheticDays {
    private SyntheticDays() {}

    static final RetailGame.Weights TRUE_WEIGHTS = new RetailGame.Weights(1, 1.2, 0.002);

    /** The true game: m providers with values 3..10 $/M, n users each seeing most providers. */
    static RetailGame truth(int m, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RetailGame.Provider> providers = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            providers.add(RetailGame.Provider.of("llm" + j, 1 + 5 * random.nextDouble(), 3e5 + 1e6 * random.nextDouble(),
                    3 + 7 * random.nextDouble()));
        }
        List<RetailGame.User> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> delays = new LinkedHashMap<>();
            for (int j = 0; j < m; j++) {
                if (j < 2 || random.nextDouble() < 0.8) {
                    delays.put("llm" + j, 100 + 1500 * random.nextDouble());
                }
            }
            users.add(new RetailGame.User("app" + i, 1e5 + 5e5 * random.nextDouble(), delays));
        }
        return new RetailGame("truth", TRUE_WEIGHTS, providers, users, Optional.empty(), Optional.empty());
    }

    static List<Observation> days(RetailGame truth, int count, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Observation> days = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            List<RetailGame.Provider> providers = new ArrayList<>();
            List<Observation.ObservedProvider> observed = new ArrayList<>();
            for (RetailGame.Provider p : truth.providers()) {
                double price = p.price() * (0.7 + 0.6 * random.nextDouble());
                double capacity = p.capacity() * (0.8 + 0.4 * random.nextDouble());
                providers.add(RetailGame.Provider.of(p.id(), price, capacity, p.value()));
                observed.add(new Observation.ObservedProvider(p.id(), price, capacity));
            }
            List<RetailGame.User> users = new ArrayList<>();
            for (RetailGame.User u : truth.users()) {
                Map<String, Double> delays = new LinkedHashMap<>();
                u.delayMs().forEach((k, v) -> delays.put(k, v * (0.8 + 0.4 * random.nextDouble())));
                users.add(new RetailGame.User(u.id(), u.demand() * (0.7 + 0.6 * random.nextDouble()), delays));
            }
            RetailGame day = new RetailGame("day" + t, truth.weights(), providers, users, Optional.empty(),
                    Optional.empty());
            UserEquilibrium eq = EquilibriumSolver.atPostedPrices(day);
            List<UserEquilibrium.Flow> flows = new ArrayList<>();
            Map<String, Double> demand = new LinkedHashMap<>();
            for (UserEquilibrium.Flow f : eq.flows()) {
                double v = noise == 0 ? f.tokensPerSecond()
                        : f.tokensPerSecond() * Math.max(0, 1 + noise * gaussian(random));
                flows.add(new UserEquilibrium.Flow(f.user(), f.provider(), v));
                demand.merge(f.user(), v, Double::sum);
            }
            List<RetailGame.User> seen = users;
            if (noise != 0) {
                seen = users.stream().map(u -> new RetailGame.User(u.id(), demand.get(u.id()), u.delayMs())).toList();
            }
            days.add(new Observation(String.format("2026-01-%02d", t + 1), observed, seen, flows));
        }
        return days;
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on JDK 17's interface default? it does, but keep it explicit
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
