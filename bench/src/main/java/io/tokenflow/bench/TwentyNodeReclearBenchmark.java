package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the oracle does when a provider pushes one capacity change: apply it to the live LP and
 * re-clear warm, prices and all, on the 20-node x 4-class network. Each call flips Dallas image
 * capacity between 100 % and 50 % (a binding change, so every call moves the optimum). Baseline in the
 * same run: a cold clear of the same scenario from scratch (formulate, load, solve, read out).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TwentyNodeReclearBenchmark {
    @Param({"GLOP", "CLP"})
    public SolverKind solver;

    private Scenario scenario;
    private MarketClearing market;
    private double fullCapacity;
    private boolean halved;

    @Setup(Level.Trial)
    public void open() {
        scenario = EmbeddedScenarios.get("twenty-node");
        fullCapacity = scenario.node("dallas").capacityOf("image");
        market = MarketClearing.open(scenario, solver);
        market.clear();
    }

    @Benchmark
    public ClearingResult warmReclearAfterOneCapacityChange() {
        halved = !halved;
        market.apply(List.of(new CapacityUpdate("dallas", "image", halved ? fullCapacity / 2 : fullCapacity)));
        return market.clear();
    }

    @Benchmark
    public ClearingResult baselineColdClear() {
        return MarketClearing.clearOnce(scenario, solver);
    }

    @TearDown(Level.Trial)
    public void close() {
        market.close();
    }
}
