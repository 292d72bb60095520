package io.tokenflow.bench.menu;

import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.TierMenu;
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
 * The exact tier-menu program ({@link MenuSolver}: the pool program, prices, the tie rule and the answer's
 * own IC/IR/floor check) per size {@code TYPESxCAPSxTIERS} (0: no tier limit). Goals: 10x1000x5 within
 * 20 ms, 50 types x 10,000 caps within 1 s. Baseline in the same run: the textbook full-grid program
 * (types x options x tiers); brute force is {@link MenuBruteForceBenchmark}, on the sizes it can finish.
 * Setup checks that the solver and the baseline agree on the profit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MenuBenchmark {
    @Param({"5x20x3", "7x40x3", "10x1000x5", "50x10000x5", "50x10000x0"})
    public String size;

    private MenuProblem problem;

    @Setup(Level.Trial)
    public void build() {
        problem = MenuBenchProblems.of(size);
        MenuBenchProblems.requireSolverProfit(size, problem, "the full-grid program",
                MenuBaselines.fullGridProgram(problem));
    }

    @Benchmark
    public TierMenu exact() {
        return MenuSolver.solve(problem);
    }

    @Benchmark
    public double baselineFullGridProgram() {
        return MenuBaselines.fullGridProgram(problem);
    }
}
