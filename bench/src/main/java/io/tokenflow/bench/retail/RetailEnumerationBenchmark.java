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
 * The exact optimum against PriLLM's exact baseline, the enumeration of every support (active set), on
 * 8-provider markets small enough to enumerate: 8 providers × 2 users (16 pairs, 65,025 supports that give
 * both users a provider) and 6 × 3 (18 pairs). Enumeration is exponential in the pairs, so on 8 × 20 (160
 * pairs) it cannot run at all. Setup checks the two agree to 1e-9 of price × demand.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RetailEnumerationBenchmark {
    @Param({"8x2", "6x3"})
    public String market;

    private RetailGame game;
    private double cost;

    @Setup(Level.Trial)
    public void build() {
        game = RetailMarkets.market(market, 1.0, 7);
        cost = RetailPricing.marginalCost(game, 0, Optional.empty());
        RetailAnswer.Optimum exact = RetailPricing.answer(game, Optional.empty(), 0).optimum().orElseThrow();
        RetailBaselines.Best brute = RetailBaselines.enumerate(game, cost);
        if (Math.abs(exact.profit() - brute.profit()) > 1e-9 * 20 * game.totalDemand()) {
            throw new IllegalStateException("exact optimum " + exact + " differs from enumeration " + brute);
        }
        System.out.printf(Locale.ROOT, "%n%s: exact %.9f at %.9f; enumeration %.9f at %.9f over %d supports%n", market,
                exact.profit(), exact.price(), brute.profit(), brute.price(), brute.work());
    }

    @Benchmark
    public RetailAnswer exactOptimum() {
        return RetailPricing.answer(game, Optional.empty(), RetailPricing.DEFAULT_CURVE_POINTS);
    }

    @Benchmark
    public RetailBaselines.Best baselineEnumeration() {
        return RetailBaselines.enumerate(game, cost);
    }
}
