package io.tokenflow.demo;

import io.tokenflow.client.CapacityChange;
import io.tokenflow.client.DemandChange;
import io.tokenflow.client.OracleQuote;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.TableStatus;
import io.tokenflow.client.UpdateAck;
import io.tokenflow.demo.router.NearestStrategy;
import io.tokenflow.demo.router.OracleStrategy;
import io.tokenflow.demo.router.RoutingStrategy;
import io.tokenflow.demo.router.StaticCheapestStrategy;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One demo run: the three strategies over one trace, the capacity drop (if any) through the client, and
 * the LP optimum of the same window, at the scenario's mean demand and at the demand the trace drew.
 */
public final class DemoRun {

    /** The drop node × class's capacity is scaled by {@code factor} at {@code atShare} of the window. */
    public record CapacityDrop(String node, String classId, double factor, double atShare) {
        public CapacityDrop {
            if (!(factor >= 0) || !Double.isFinite(factor) || !(atShare >= 0 && atShare <= 1)) {
                throw new IllegalArgumentException("a drop's factor must be finite and >= 0 and its time a share of"
                        + " the window in [0, 1], got " + factor + " at " + atShare);
            }
        }
    }

    /**
     * What to run; the penalty is the live market's default, given to every class without its own.
     *
     * @param demandReportSeconds how often the router reports the demand it has seen (UpdateDemand); 0: never
     */
    public record Settings(Simulator.Config sim, Optional<CapacityDrop> drop, double unservedPenaltyPerMTokens,
            double demandReportSeconds) {
        public Settings {
            if (!(demandReportSeconds >= 0) || !Double.isFinite(demandReportSeconds)) {
                throw new IllegalArgumentException("the demand report interval must be finite and >= 0 s, got "
                        + demandReportSeconds);
            }
        }
    }

    /** A price of the drop class per origin, before and after. */
    record PriceMove(String origin, double before, double after, String servedViaBefore, String servedViaAfter) {}

    /**
     * @param demandReports   how many demand reports the router pushed
     * @param oracleDecisions what the oracle strategy did with its requests, by rule
     * @param expectedBacklog per site × class the LP at the mean demand (the plan Route follows) loads to
     *                        capacity, the backlog queueing alone leaves there at the end ({@link CriticalBacklog})
     */
    public record Result(Settings settings, Scenario scenario, List<Outcome> outcomes, LpWindow lpAtMeanDemand,
            LpWindow lpAtTraceDemand, int dropStep, double capacityBefore, double capacityAfter, long versionBefore,
            long versionAfter, List<PriceMove> priceMoves, Simulator.Replay replay, Map<String, Double> expectedBacklog,
            int demandReports, Map<OracleStrategy.Decision, Long> oracleDecisions) {

        Outcome outcome(String name) {
            return outcomes.stream().filter(o -> o.name.equals(name)).findFirst().orElseThrow();
        }

        double perHour(double dollars) {
            return dollars * 3600 / settings.sim().windowSeconds();
        }

        /** Cost with penalty over the LP objective at the trace's demand: like with like. */
        double toLp(Outcome o) {
            return o.costWithPenalty() / lpAtTraceDemand.objective();
        }

        /** Tokens the strategy left queued at the end at the sites the plan loads to capacity. */
        double queuedAtFullSites(Outcome o) {
            return o.queuedAtEndBySite.entrySet().stream().filter(e -> expectedBacklog.containsKey(e.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** The penalty of the tokens the strategy left queued at the end, wherever they wait, $. */
        double penaltyOfBacklog(Outcome o) {
            return o.queuedAtEndBySite.entrySet().stream()
                    .mapToDouble(e -> e.getValue() / 1e6 * scenario.workloadClass(e.getKey()
                            .substring(e.getKey().indexOf('/') + 1)).unservedPenaltyPerMTokens().orElse(0))
                    .sum();
        }
    }

    private DemoRun() {}

    public static Result run(Scenario scenario, PricingOracleClient client, Settings settings, PrintWriter log) {
        Simulator.Config cfg = settings.sim();
        // the live market's classes: every one may go unserved, at its own penalty or the default
        Scenario priced = scenario.withClasses(
                c -> c.mustServe() ? c.withUnservedPenalty(settings.unservedPenaltyPerMTokens()) : c);
        CostModel costs = new CostModel(priced);
        awaitTable(client, 1, log);
        OracleStrategy oracleRouter = new OracleStrategy(client);
        List<RoutingStrategy> strategies = List.of(new NearestStrategy(client),
                new StaticCheapestStrategy(client, costs.processingTable()), oracleRouter);
        Optional<CapacityDrop> capacityDrop = settings.drop();
        int dropStep = Math.min(cfg.steps(),
                capacityDrop.map(d -> (int) Math.round(cfg.steps() * d.atShare())).orElse(cfg.steps()));
        double capBefore = capacityDrop.map(d -> priced.node(d.node()).capacityOf(d.classId())).orElse(0.0);
        double capAfter = capacityDrop.map(d -> capBefore * d.factor()).orElse(0.0);
        Map<String, OracleQuote> before = new LinkedHashMap<>();
        Map<String, OracleQuote> after = new LinkedHashMap<>();
        long[] versions = {client.tableStatus().version().orElse(0), client.tableStatus().version().orElse(0)};
        Simulator.Drop drop = null;
        int[] demandReports = {0};
        List<String> origins = List.of();
        if (capacityDrop.isPresent() && dropStep < cfg.steps()) {
            CapacityDrop d = capacityDrop.get();
            origins = priced.demand().stream().filter(x -> x.classId().equals(d.classId())).map(Demand::origin)
                    .distinct().toList();
            List<String> quoted = origins;
            Runnable push = () -> {
                quoted.forEach(o -> before.put(o, client.quote(o, d.classId())));
                versions[0] = client.tableStatus().version().orElse(0);
                log.printf("t=%.0fs: UpdateCapacity(%s, %s, %.0f -> %.0f tok/s, wait_for_clear=true)%n",
                        dropStep * cfg.stepSeconds(), d.node(), d.classId(), capBefore, capAfter);
                UpdateAck ack = client.updateCapacity(List.of(new CapacityChange(d.node(), d.classId(), capAfter)), true);
                awaitTable(client, ack.marketVersion(), log);
                versions[1] = ack.marketVersion();
                quoted.forEach(o -> after.put(o, client.quote(o, d.classId())));
            };
            drop = new Simulator.Drop(dropStep, d.node(), d.classId(), capAfter, push);
        }
        Simulator.DemandReports reports = null;
        if (settings.demandReportSeconds() > 0) {
            int every = Math.max(1, (int) Math.round(settings.demandReportSeconds() / cfg.stepSeconds()));
            reports = new Simulator.DemandReports(every, rates -> {
                List<DemandChange> changes = new ArrayList<>();
                rates.forEach((oc, rate) -> changes.add(new DemandChange(oc.origin(), oc.classId(), rate)));
                UpdateAck ack = client.updateDemand(changes, true);
                awaitTable(client, ack.marketVersion(), log);
                demandReports[0]++;
            });
        }
        Simulator.Replay replay = new Simulator(priced, cfg).run(strategies, drop, reports);

        Scenario dropped = drop == null ? priced : priced.withCapacity(drop.node(), drop.classId(), capAfter);
        double[] seconds = {dropStep * cfg.stepSeconds(), (cfg.steps() - dropStep) * cfg.stepSeconds()};
        LpWindow atMean = new LpWindow(List.of(LpWindow.clear(priced, seconds[0]), LpWindow.clear(dropped, seconds[1])));
        LpWindow atTrace = new LpWindow(List.of(
                LpWindow.clear(withTraceDemand(priced, replay.requestedByHalf().get(0), seconds[0]), seconds[0]),
                LpWindow.clear(withTraceDemand(dropped, replay.requestedByHalf().get(1), seconds[1]), seconds[1])));
        List<PriceMove> moves = new ArrayList<>();
        for (String o : origins) {
            OracleQuote b = before.get(o);
            OracleQuote a = after.get(o);
            if (b != null && a != null) {
                moves.add(new PriceMove(o, b.pricePerMTokens(), a.pricePerMTokens(),
                        String.join(" -> ", b.path()), String.join(" -> ", a.path())));
            }
        }
        return new Result(settings, priced, replay.outcomes(), atMean, atTrace, dropStep, capBefore, capAfter,
                versions[0], versions[1], moves, replay, CriticalBacklog.expected(atMean, RequestSizes::of),
                demandReports[0], oracleRouter.decisions());
    }

    /** The scenario with each origin × class's demand set to the rate the trace drew over {@code seconds}. */
    static Scenario withTraceDemand(Scenario scenario, Map<Simulator.OriginClass, Double> requested, double seconds) {
        if (seconds <= 0) {
            return scenario;
        }
        List<MarketUpdate> rates = new ArrayList<>();
        for (Demand d : scenario.demand()) {
            double tokens = requested.getOrDefault(new Simulator.OriginClass(d.origin(), d.classId()), 0.0);
            rates.add(new MarketUpdate.DemandUpdate(d.origin(), d.classId(), tokens / seconds));
        }
        return scenario.withUpdates(rates);
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
