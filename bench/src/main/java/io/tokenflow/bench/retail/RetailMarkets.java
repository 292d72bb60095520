package io.tokenflow.bench.retail;

import io.tokenflow.market.retail.RetailGame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Seeded retail markets for the benchmarks, shaped like the paper's (Guo, Bai, Jin, arXiv:2511.09062): prices
 * $0.5–10/M tokens, values a few dollars above, capacities and demands in tokens/s, TTFT delays 150–2500 ms.
 */
final class RetailMarkets {
    private RetailMarkets() {}

    /** "MxN": M providers, N users; each user sees each provider with probability {@code availability}. */
    static RetailGame market(String size, double availability, long seed) {
        String[] parts = size.split("x");
        int m = Integer.parseInt(parts[0]);
        int n = Integer.parseInt(parts[1]);
        SplittableRandom random = new SplittableRandom(seed);
        List<RetailGame.Provider> providers = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            double price = 0.5 + 9.5 * random.nextDouble();
            providers.add(new RetailGame.Provider("llm" + j, price, 5e4 + 1e6 * random.nextDouble(),
                    price + 0.5 + 5 * random.nextDouble(),
                    j == 0 ? OptionalDouble.of(0.3 + random.nextDouble()) : OptionalDouble.empty(), Optional.empty()));
        }
        List<RetailGame.User> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> delays = new LinkedHashMap<>();
            for (int j = 0; j < m; j++) {
                if (j == 0 || random.nextDouble() < availability) {
                    delays.put("llm" + j, 150 + 2350 * random.nextDouble());
                }
            }
            users.add(new RetailGame.User("app" + i, 2e4 + 4e5 * random.nextDouble(), delays));
        }
        return new RetailGame(size, new RetailGame.Weights(1, 1.5, 0.001), providers, users, Optional.of("llm0"),
                Optional.of(new RetailGame.PriceRange(0, 20)));
    }
}
