package io.tokenflow.bench.retail;

import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailBaselines;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.RetailPricing;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exact leader optimum (parametric trace + closed-form maximum per piece, with the fresh verifying
 * solve and a 101-point curve) on the three markets: 8 providers × 20 users, a 13 × 8 coding market
 * and 100 × 200. Baseline in the same run: a dense grid of 2,000 equilibrium solves over the same price
 * range, each warm-started from the last one's support, which can only approach the optimum from below.
 * Setup checks that the exact profit is at least the grid's (and prints both), so a fast wrong answer fails.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RetailOptimumBenchmark {
    @Param({"8x20", "13x8", "100x200"})
    public String market;

    private RetailGame game;
    private double cost;

    @Setup(Level.Trial)
    public void build() {
        // each app sees 90 % of the providers: 100 x 200 is about 18,000 user x provider pairs
        game = RetailMarkets.market(market, 0.9, 42);
        cost = RetailPricing.marginalCost(game, 0, Optional.empty());
        RetailAnswer.Optimum exact = RetailPricing.answer(game, Optional.empty(), 0).optimum().orElseThrow();
        RetailBaselines.Best grid = RetailBaselines.denseGrid(game, cost, 2000);
        double scale = 20 * game.totalDemand();
        if (!exact.exact() || exact.profit() < grid.profit() - 1e-9 * scale) {
            throw new IllegalStateException("exact optimum " + exact + " below the grid's " + grid);
        }
        System.out.printf(Locale.ROOT, "%n%s: exact price %.9f profit %.6f (%d pieces); grid best %.6f at %.4f "
                + "(%d solves)%n", market, exact.price(), exact.profit(), exact.pieces(), grid.profit(), grid.price(),
                grid.work());
    }

    @Benchmark
    public RetailAnswer exactOptimum() {
        return RetailPricing.answer(game, Optional.empty(), RetailPricing.DEFAULT_CURVE_POINTS);
    }

    @Benchmark
    public RetailBaselines.Best baselineDenseGrid2000() {
        return RetailBaselines.denseGrid(game, cost, 2000);
    }
}
