package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Peak memory of one cold clear plus one warm re-clear of the large network, in a fresh JVM:
 * the Java heap's peak (sum of heap pools' peak usage) and the process's peak resident set
 * (VmHWM, which includes the solver's native memory). Run: {@code java -cp ... PeakFootprint GLOP 1000 8}.
 */
public final class PeakFootprint {
    private PeakFootprint() {}

    public static void main(String[] args) throws Exception {
        SolverKind solver = SolverKind.parse(args.length > 0 ? args[0] : "glop");
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Scenario scenario = LargeNetwork.scenario(nodes, classes);
        long start = System.nanoTime();
        try (MarketClearing market = MarketClearing.open(scenario, solver)) {
            ClearingResult cold = market.clear();
            long coldEnd = System.nanoTime();
            ProcessingLevel scarcest = LargeNetwork.scarcest(cold);
            market.apply(List.of(new CapacityUpdate(scarcest.node(), scarcest.classId(),
                    0.8 * scarcest.capacityTokensPerSecond())));
            ClearingResult warm = market.clear();
            long warmEnd = System.nanoTime();
            long heapPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPeak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf(Locale.ROOT,
                    "%s %d nodes x %d classes: %d links, status %s/%s, cold %.0f ms (%d it), warm %.0f ms (%d it),"
                            + " peak heap %.0f MB, peak RSS %s%n",
                    solver, nodes, classes, scenario.links().size(), cold.status(), warm.status(),
                    (coldEnd - start) / 1e6, cold.stats().iterations(), (warmEnd - coldEnd) / 1e6,
                    warm.stats().iterations(), heapPeak / 1e6, peakRss());
        }
    }

    private static String peakRss() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "n/a";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("n/a");
    }
}
