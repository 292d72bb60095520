package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The baseline of {@link LargeNetworkBenchmark}: COIN-OR's standalone {@code clp} program reading the
 * exported LP of the same 1000 x 8 network and solving it from scratch (dual simplex), process start
 * and file parsing included, as a user of an offline solver would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ClpCommandBaselineBenchmark {
    @Param({"1000"})
    public int nodes;

    @Param({"8"})
    public int classes;

    private Path file;

    @Setup(Level.Trial)
    public void export() throws IOException {
        file = Files.createTempFile("tokenflow-large-", ".lp");
        try (MarketClearing market = MarketClearing.open(LargeNetwork.scenario(nodes, classes), SolverKind.CLP)) {
            Files.writeString(file, market.exportLp());
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public int clpCommandFromScratch() throws Exception {
        Process clp = new ProcessBuilder("clp", file.toString(), "-dualsimplex")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = clp.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("clp exited " + exit);
        }
        return exit;
    }
}
