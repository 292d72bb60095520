package io.tokenflow.demo;

import io.tokenflow.client.CapacityChange;
import io.tokenflow.client.OracleQuote;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.TableStatus;
import io.tokenflow.client.UpdateAck;
import io.tokenflow.demo.router.NearestStrategy;
import io.tokenflow.demo.router.OracleStrategy;
import io.tokenflow.demo.router.RoutingStrategy;
import io.tokenflow.demo.router.StaticCheapestStrategy;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One demo run: the three strategies over one trace, the capacity drop through the client, the LP optimum. */
public final class DemoRun {

    /** What to run. {@code dropFactor} scales the drop node × class capacity at {@code dropAtShare} of the window. */
    public record Settings(Simulator.Config sim, String dropNode, String dropClass, double dropFactor, double dropAtShare,
            double unservedPenaltyPerMTokens) {}

    /** A price of the drop class per origin, before and after. */
    record PriceMove(String origin, double before, double after, String servedViaBefore, String servedViaAfter) {}

    public record Result(Settings settings, Scenario scenario, List<Simulator.Outcome> outcomes, double lpBeforePerHour,
            double lpAfterPerHour, double lpOptimumPerHour, int dropStep, double capacityBefore, double capacityAfter,
            long versionBefore, long versionAfter, List<PriceMove> priceMoves) {

        Simulator.Outcome outcome(String name) {
            return outcomes.stream().filter(o -> o.name.equals(name)).findFirst().orElseThrow();
        }

        double perHour(double dollars) {
            return dollars * 3600 / settings.sim().windowSeconds();
        }
    }

    private DemoRun() {}

    public static Result run(Scenario scenario, PricingOracleClient client, Settings settings, PrintWriter log) {
        Simulator.Config cfg = settings.sim();
        CostModel costs = new CostModel(scenario);
        awaitTable(client, 1, log);
        List<RoutingStrategy> strategies = List.of(new NearestStrategy(client),
                new StaticCheapestStrategy(client, costs.processingTable()), new OracleStrategy(client));
        int dropStep = (int) Math.round(cfg.steps() * settings.dropAtShare());
        double capBefore = scenario.node(settings.dropNode()).capacityOf(settings.dropClass());
        double capAfter = capBefore * settings.dropFactor();
        List<String> origins = scenario.demand().stream().filter(d -> d.classId().equals(settings.dropClass()))
                .map(Demand::origin).distinct().toList();
        Map<String, OracleQuote> before = new LinkedHashMap<>();
        Map<String, OracleQuote> after = new LinkedHashMap<>();
        long[] versions = new long[2];
        Runnable push = () -> {
            origins.forEach(o -> before.put(o, client.quote(o, settings.dropClass())));
            versions[0] = client.tableStatus().version().orElse(0);
            log.printf("t=%.0fs: UpdateCapacity(%s, %s, %.0f -> %.0f tok/s, wait_for_clear=true)%n",
                    dropStep * cfg.stepSeconds(), settings.dropNode(), settings.dropClass(), capBefore, capAfter);
            UpdateAck ack = client.updateCapacity(
                    List.of(new CapacityChange(settings.dropNode(), settings.dropClass(), capAfter)), true);
            awaitTable(client, ack.marketVersion(), log);
            versions[1] = ack.marketVersion();
            origins.forEach(o -> after.put(o, client.quote(o, settings.dropClass())));
        };
        Simulator.Drop drop = new Simulator.Drop(dropStep, settings.dropNode(), settings.dropClass(), capAfter, push);
        List<Simulator.Outcome> outcomes = new Simulator(scenario, cfg).run(strategies, drop);

        Scenario priced = scenario.withClasses(
                c -> c.mustServe() ? c.withUnservedPenalty(settings.unservedPenaltyPerMTokens()) : c);
        double lpBefore = lp(priced);
        double lpAfter = lp(priced.withCapacity(settings.dropNode(), settings.dropClass(), capAfter));
        double lpOptimum = (lpBefore * dropStep + lpAfter * (cfg.steps() - dropStep)) / cfg.steps();
        List<PriceMove> moves = new ArrayList<>();
        for (String o : origins) {
            OracleQuote b = before.get(o);
            OracleQuote a = after.get(o);
            if (b != null && a != null) {
                moves.add(new PriceMove(o, b.pricePerMTokens(), a.pricePerMTokens(),
                        String.join(" -> ", b.path()), String.join(" -> ", a.path())));
            }
        }
        return new Result(settings, scenario, outcomes, lpBefore, lpAfter, lpOptimum, dropStep, capBefore, capAfter,
                versions[0], versions[1], moves);
    }

    private static double lp(Scenario scenario) {
        ClearingResult r = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        return r.objectivePerHour().orElseThrow(() -> new IllegalStateException("the LP of '" + scenario.name()
                + "' did not clear: " + r.status()));
    }

    /** Waits (up to 10 s) until the client's local table holds at least {@code version}. */
    private static void awaitTable(PricingOracleClient client, long version, PrintWriter log) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            TableStatus status = client.tableStatus();
            if (status.version().isPresent() && status.version().getAsLong() >= version) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.println("warning: the client's price table did not reach version " + version + " within 10 s");
    }
}
