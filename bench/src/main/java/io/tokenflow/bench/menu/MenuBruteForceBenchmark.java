package io.tokenflow.bench.menu;

import io.tokenflow.market.menu.MenuProblem;
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
 * The baseline: brute force over every monotone allocation (C(caps + types, types) of them: 53,130 at
 * 5x20, 62.9 million at 7x40; 10x1000 would be about 10^23), on the sizes it can finish; the same sizes
 * run in {@link MenuBenchmark}. Setup checks that it reaches the solver's profit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MenuBruteForceBenchmark {
    @Param({"5x20x3", "7x40x3"})
    public String size;

    private MenuProblem problem;

    @Setup(Level.Trial)
    public void build() {
        problem = MenuBenchProblems.of(size);
        MenuBenchProblems.requireSolverProfit(size, problem, "brute force", MenuBaselines.bruteForce(problem));
    }

    @Benchmark
    public double bruteForce() {
        return MenuBaselines.bruteForce(problem);
    }
}
