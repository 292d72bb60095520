package io.tokenflow.market.clearing;

import io.tokenflow.market.model.*;
import io.tokenflow.market.scenarios.*;
import io.tokenflow.market.solution.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchPerfTest {
    static void reclear(String label, Scenario s, String node, String cls, int reps) {
        try (MarketClearing m = MarketClearing.open(s, SolverKind.GLOP)) {
            long t0 = System.nanoTime();
            ClearingResult first = m.clear();
            long cold = System.nanoTime() - t0;
            double cap = s.node(node).capacityOf(cls);
            long[] times = new long[reps];
            int cols = 0, rounds = 0; double solveMs = 0;
            for (int i = 0; i < reps; i++) {
                m.apply(List.of(new MarketUpdate.CapacityUpdate(node, cls, i % 2 == 0 ? 0.5 * cap : cap)));
                long t = System.nanoTime();
                ClearingResult r = m.clear();
                times[i] = System.nanoTime() - t;
                cols += r.stats().columnsGenerated(); solveMs += r.stats().solveMillis(); if (i < 3) System.out.println(r.stats());
                rounds += r.stats().pricingRounds();
            }
            Arrays.sort(times);
            System.out.printf("solve+pricing mean %.2f ms%n", solveMs / reps);
            System.out.printf("%s: cold %.1f ms (%s), warm median %.2f ms p90 %.2f, cols/reclear %.1f rounds %.1f, pool %d%n", label, cold / 1e6,
                    first.stats(), times[reps / 2] / 1e6, times[reps * 9 / 10] / 1e6, cols / (double) reps, rounds / (double) reps, first.stats().pathColumns());
        }
    }

    @Test
    void perf() {
        Scenario twenty = EmbeddedScenarios.get("twenty-node");
        for (int w = 0; w < 0; w++) {
            reclear("20 PER_LINK", twenty, "dallas", "image", 40);
            reclear("20 END_TO_END", twenty.withLatencyScope(LatencyScope.END_TO_END), "dallas", "image", 40);
            reclear("20 END_TO_END chat", twenty.withLatencyScope(LatencyScope.END_TO_END), "dallas", "chat", 40);
        }
        for (int n : new int[] {300}) {
            Scenario s = SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(n, 4, 42));
            String cls = s.classes().stream().filter(s::limitsWholePaths).findFirst().orElseThrow().id();
            String node = s.nodes().stream().filter(x -> x.capacityOf(cls) > 0).findFirst().orElseThrow().id();
            System.out.println(s.classes() + " links " + s.links().size());
            reclear("sparse " + n, s, node, cls, 30);
            reclear("sparse PER_LINK " + n, s.withLatencyScope(LatencyScope.PER_LINK), node, cls, 30);
        }
    }
}
