package io.tokenflow.bench;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How END_TO_END clearing grows with the network: for each size, the sparse market
 * {@code SyntheticScenarios.Spec.sparse(n, 4, 42)} cleared cold, then re-cleared warm after each of
 * {@code REPS} capacity changes (the scarcest node x class of a limited class, 100 % / 80 %), under END_TO_END
 * and, in the same run, PER_LINK. Toggling one capacity soon finds every path it needs in the pool, so a
 * second series times what a toggle does not: a surge (3x) of a limited class's demand at another origin
 * each time (the previous one back to normal in the same batch), which sends tokens to sites the pool has no
 * path to yet. Prints a markdown table: pricing rounds and path columns of the cold clear, the median warm
 * re-clear and the columns a re-clear added, for both series. Usage: {@code EndToEndScaling [SOLVER] N...}.
 * Not JMH: each cold clear is one shot (seconds at 1000 nodes); the warm figures are medians of {@code REPS}.
 */
public final class EndToEndScaling {
    private static final int REPS = 9;

    private EndToEndScaling() {}

    record Row(double coldMs, int coldRounds, int coldColumns, int pathColumns, double warmMedianMs, double warmMaxMs,
            double columnsPerReclear, double roundsPerReclear, int links, double surgeMedianMs, double surgeMaxMs,
            double columnsPerSurge) {}

    static Row measure(Scenario scenario, SolverKind solver) {
        try (MarketClearing market = MarketClearing.open(scenario, solver)) {
            long start = System.nanoTime();
            ClearingResult cold = market.clear();
            double coldMs = (System.nanoTime() - start) / 1e6;
            ProcessingLevel toggled = EndToEndReclearBenchmark.scarcestLimited(scenario, cold);
            double[] warm = new double[REPS];
            int columns = 0;
            int rounds = 0;
            for (int i = 0; i < REPS; i++) {
                double capacity = toggled.capacityTokensPerSecond() * (i % 2 == 0 ? 0.8 : 1.0);
                market.apply(List.of(new CapacityUpdate(toggled.node(), toggled.classId(), capacity)));
                long t = System.nanoTime();
                ClearingResult r = market.clear();
                warm[i] = (System.nanoTime() - t) / 1e6;
                columns += r.stats().columnsGenerated();
                rounds += r.stats().pricingRounds();
            }
            double max = Arrays.stream(warm).max().orElse(0);
            Arrays.sort(warm);
            // the largest limited demands, one surge each (restore the toggled capacity first)
            market.apply(List.of(new CapacityUpdate(toggled.node(), toggled.classId(),
                    toggled.capacityTokensPerSecond())));
            market.clear();
            List<Demand> surged = scenario.demand().stream()
                    .filter(d -> scenario.workloadClass(d.classId()).maxLatencyMs().isPresent())
                    .sorted(Comparator.comparingDouble(Demand::tokensPerSecond).reversed()).limit(REPS).toList();
            double[] surge = new double[surged.size()];
            int surgeColumns = 0;
            for (int i = 0; i < surged.size(); i++) {
                List<MarketUpdate> batch = new ArrayList<>();
                if (i > 0) {
                    Demand previous = surged.get(i - 1);
                    batch.add(new DemandUpdate(previous.origin(), previous.classId(), previous.tokensPerSecond()));
                }
                Demand d = surged.get(i);
                batch.add(new DemandUpdate(d.origin(), d.classId(), 3 * d.tokensPerSecond()));
                market.apply(batch);
                long t = System.nanoTime();
                ClearingResult r = market.clear();
                surge[i] = (System.nanoTime() - t) / 1e6;
                surgeColumns += r.stats().columnsGenerated();
            }
            double surgeMax = Arrays.stream(surge).max().orElse(0);
            Arrays.sort(surge);
            return new Row(coldMs, cold.stats().pricingRounds(), cold.stats().columnsGenerated(),
                    cold.stats().pathColumns(), warm[REPS / 2], max, columns / (double) REPS, rounds / (double) REPS,
                    scenario.links().size(), surge.length == 0 ? 0 : surge[surge.length / 2], surgeMax,
                    surge.length == 0 ? 0 : surgeColumns / (double) surge.length);
        }
    }

    public static void main(String[] args) {
        SolverKind solver = args.length > 0 && !args[0].matches("\\d+") ? SolverKind.parse(args[0]) : SolverKind.GLOP;
        int[] sizes = Arrays.stream(args).filter(a -> a.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        if (sizes.length == 0) {
            sizes = new int[] {50, 100, 200, 300, 500, 1000};
        }
        // a small market first, so that the JIT has compiled the clearing before anything is timed
        measure(SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(50, 4, 7)), solver);
        System.out.println("| nodes | links | END_TO_END cold clear | pricing rounds | columns generated | path columns"
                + " in the LP | warm re-clear, median (max) | columns per re-clear | surge re-clear, median (max)"
                + " | columns per surge | PER_LINK cold | PER_LINK warm, median | PER_LINK surge, median |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            Scenario endToEnd = SyntheticScenarios.generate(SyntheticScenarios.Spec.sparse(n, 4, 42));
            Row e = measure(endToEnd, solver);
            Row p = measure(endToEnd.withLatencyScope(LatencyScope.PER_LINK), solver);
            System.out.printf(Locale.ROOT,
                    "| %d | %d | %,.0f ms | %d | %,d | %,d | %.1f ms (%.1f) | %.1f | %.1f ms (%.1f) | %.1f | %,.0f ms"
                            + " | %.1f ms | %.1f ms |%n",
                    n, e.links(), e.coldMs(), e.coldRounds(), e.coldColumns(), e.pathColumns(), e.warmMedianMs(),
                    e.warmMaxMs(), e.columnsPerReclear(), e.surgeMedianMs(), e.surgeMaxMs(), e.columnsPerSurge(),
                    p.coldMs(), p.warmMedianMs(), p.surgeMedianMs());
        }
    }
}
