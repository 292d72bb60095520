package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/** Seeded random retail games shaped like a routing platform's market (a test and bench fixture). */
final class RandomGames {
    private RandomGames() {}

    /**
     * {@code m} providers and {@code n} users, each user seeing each provider with probability
     * {@code availability} (and at least one); the target is provider 0 with price range [0, 20].
     */
    static RetailGame game(int m, int n, double availability, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RetailGame.Provider> providers = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            providers.add(new RetailGame.Provider("p" + j, 1 + 9 * random.nextDouble(),
                    2e5 + 2e6 * random.nextDouble(), 2 + 8 * random.nextDouble(),
                    j == 0 ? OptionalDouble.of(0.5 + random.nextDouble()) : OptionalDouble.empty(), Optional.empty()));
        }
        List<RetailGame.User> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> delays = new LinkedHashMap<>();
            for (int j = 0; j < m; j++) {
                if (random.nextDouble() < availability) {
                    delays.put("p" + j, 10 + 490 * random.nextDouble());
                }
            }
            if (delays.isEmpty()) {
                delays.put("p" + random.nextInt(m), 100.0);
            }
            users.add(new RetailGame.User("u" + i, 1e5 + 2e6 * random.nextDouble(), delays));
        }
        return new RetailGame("random-" + m + "x" + n + "-" + seed, new RetailGame.Weights(1, 0.8, 0.004),
                providers, users, Optional.of("p0"), Optional.of(new RetailGame.PriceRange(0, 20)));
    }
}
