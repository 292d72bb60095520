package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.Comparator;
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
 * A warm re-clear after one capacity change under each latency scope, in the same run: PER_LINK (arc
 * flows, the baseline) and END_TO_END (origin paths, column generation: one pricing round at least, which
 * is the optimality proof). Markets: {@code twenty}, the embedded 20-node x 4-class network (chat 100 ms,
 * code 200 ms) with Dallas image capacity flipped between 100 % and 50 %, as in
 * {@link TwentyNodeReclearBenchmark}; {@code sparse300}, {@code SyntheticScenarios.Spec.sparse(300, 4, 42)}
 * (a ring with a chord per 3 sites, 800 links, 4 classes of which 3 have limits) with the capacity of its
 * scarcest node x class of a limited class flipped between 100 % and 80 %.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class EndToEndReclearBenchmark {
    @Param({"twenty", "sparse300"})
    public String market;

    @Param({"PER_LINK", "END_TO_END"})
    public LatencyScope scope;

    @Param({"GLOP"})
    public SolverKind solver;

    private MarketClearing clearing;
    private ProcessingLevel toggled;
    private double reducedShare;
    private boolean reduced;

    /** The market under a scope; for {@code sparse300} also the pair whose capacity the benchmark flips. */
    static Scenario scenario(String market, LatencyScope scope) {
        return switch (market) {
            case "twenty" -> EmbeddedScenarios.get("twenty-node").withLatencyScope(scope);
            case "sparse300" -> SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(300, 4, 42))
                    .withLatencyScope(scope);
            default -> throw new IllegalArgumentException("unknown market " + market);
        };
    }

    /** The scarcest node x class of a class with a limit (changing it moves the optimum of that class). */
    static ProcessingLevel scarcestLimited(Scenario scenario, ClearingResult result) {
        return result.processing().stream()
                .filter(p -> scenario.workloadClass(p.classId()).maxLatencyMs().isPresent())
                .max(Comparator.comparingDouble(ProcessingLevel::scarcityRent)).orElseThrow();
    }

    @Setup(Level.Trial)
    public void open() {
        Scenario scenario = scenario(market, scope);
        clearing = MarketClearing.open(scenario, solver);
        ClearingResult first = clearing.clear();
        if (market.equals("twenty")) {
            toggled = first.processing("dallas", "image");
            reducedShare = 0.5;
        } else {
            toggled = scarcestLimited(scenario, first);
            reducedShare = 0.8;
        }
    }

    @Benchmark
    public ClearingResult warmReclearAfterOneCapacityChange() {
        reduced = !reduced;
        double capacity = toggled.capacityTokensPerSecond() * (reduced ? reducedShare : 1.0);
        clearing.apply(List.of(new CapacityUpdate(toggled.node(), toggled.classId(), capacity)));
        return clearing.clear();
    }

    @TearDown(Level.Trial)
    public void close() {
        clearing.close();
    }
}
