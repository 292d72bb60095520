package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
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
 * A seeded synthetic network of 1000 nodes x 8 classes (about 120k LP columns): a cold clear from
 * scratch and a warm re-clear after one capacity change, with GLOP and CLP. Run it together with
 * {@link ClpCommandBaselineBenchmark}, the standalone {@code clp} program solving the same exported LP
 * from scratch: the baseline the warm re-clear has to beat. Single-shot: each sample is one clear.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class LargeNetworkBenchmark {
    @Param({"1000"})
    public int nodes;

    @Param({"8"})
    public int classes;

    @Param({"GLOP", "CLP"})
    public SolverKind solver;

    private Scenario scenario;
    private MarketClearing market;
    private ProcessingLevel toggled;
    private boolean reduced;

    @Setup(Level.Trial)
    public void open() {
        scenario = LargeNetwork.scenario(nodes, classes);
        market = MarketClearing.open(scenario, solver);
        toggled = LargeNetwork.scarcest(market.clear());
    }

    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 3)
    public ClearingResult coldClear() {
        return MarketClearing.clearOnce(scenario, solver);
    }

    @Benchmark
    @Warmup(iterations = 2)
    @Measurement(iterations = 10)
    public ClearingResult warmReclearAfterOneCapacityChange() {
        reduced = !reduced;
        double capacity = toggled.capacityTokensPerSecond() * (reduced ? 0.8 : 1.0);
        market.apply(List.of(new CapacityUpdate(toggled.node(), toggled.classId(), capacity)));
        return market.clear();
    }

    @TearDown(Level.Trial)
    public void close() {
        market.close();
    }
}
