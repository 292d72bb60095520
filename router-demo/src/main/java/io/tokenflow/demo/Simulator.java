package io.tokenflow.demo;

import io.tokenflow.demo.router.RouteChoice;
import io.tokenflow.demo.router.RoutingStrategy;
import io.tokenflow.demo.router.SitePushBack;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Replays one seeded request trace of a scenario against several strategies side by side.
 *
 * <ul>
 *   <li>Time runs in steps of {@code stepSeconds}. Per step and origin × class with demand d tok/s,
 *       Poisson(d × step / mean size) requests arrive, sizes drawn per class ({@link RequestSizes});
 *       every strategy routes the same requests (ids {@code origin/class/step/i}), in one seeded random
 *       order per step across all origins × classes, as requests arrive over a second (drawn apart from
 *       the trace, so the order changes no arrival).</li>
 *   <li>Each site × class serves up to capacity × step tokens a step, oldest first ({@link SiteQueue}).
 *       What is left waits in a queue bounded by {@code queueSeconds} × capacity; tokens beyond the
 *       bound are rejected (the step's arrivals first). A site is <b>overloaded</b> when it rejected
 *       tokens of some class at some step. Sites push back ({@link SitePushBack}): busy once its queue
 *       and this step's arrivals reach one step of its capacity, and its queue in seconds of capacity.</li>
 *   <li>A request costs tokens × (processing at the site + routing along its path), booked when it is
 *       served. Every token not served in the window (rejected, shed by the router, unrouted, or still
 *       queued at the end) costs its class's unserved penalty, as in the LP's objective.</li>
 *   <li>Served within latency: served tokens whose path uses only links within the class's limit
 *       (the paper's rule), as a share of the served tokens.</li>
 *   <li>Links are not queues: a link whose average load over either half is above its capacity by
 *       more than 1 %, counted as the LP counts it (token-equivalent: tokens × the lightest class's
 *       GB per token; transfer-aware: GB), is reported as an overloaded link.</li>
 *   <li>With {@link DemandReports}, the router tells the market the demand it has seen, every so many
 *       steps, so the market clears at the rates the trace draws rather than the scenario's.</li>
 *   <li>At {@code dropStep} (if any) the hook runs first (the demo pushes the update through the RPC
 *       there), then the simulated capacity changes and every strategy hears of a new version.</li>
 * </ul>
 */
public final class Simulator {

    public record Config(int steps, double stepSeconds, double queueSeconds, long seed) {
        public Config {
            if (steps < 1 || !(stepSeconds > 0) || !(queueSeconds >= 0)) {
                throw new IllegalArgumentException("steps >= 1, step > 0 and queue >= 0 s, got " + steps + ", "
                        + stepSeconds + ", " + queueSeconds);
            }
        }

        double windowSeconds() {
            return steps * stepSeconds;
        }
    }

    /** A capacity change at a step: the node × class goes to {@code newTokensPerSecond}. */
    record Drop(int step, String node, String classId, double newTokensPerSecond, Runnable beforeStep) {}

    /**
     * Every {@code everySteps} steps, before the step, the router reports the demand it has seen: each
     * origin × class's mean rate since the start, tokens/s; then every strategy hears of a new version.
     */
    record DemandReports(int everySteps, Consumer<Map<OriginClass, Double>> report) {
        DemandReports {
            if (everySteps < 1) {
                throw new IllegalArgumentException("demand reports every >= 1 step, got " + everySteps);
            }
        }
    }

    /** An origin × class of the trace. */
    record OriginClass(String origin, String classId) {}

    /**
     * What the replay did: each strategy's outcome, and the tokens the trace requested per origin × class
     * in each half (0 before the drop, 1 after; all in 0 without a drop), the same for every strategy.
     */
    record Replay(List<Outcome> outcomes, List<Map<OriginClass, Double>> requestedByHalf, int[] halfSteps) {}

    private final Scenario scenario;
    private final CostModel costs;
    private final Config config;
    private final Function<String, RequestSizes> sizesOf;
    private final boolean poisson;
    /** ρ_k per class index, $/M tokens. */
    private final double[] penalty;

    /** @param scenario every class with its unserved penalty (the live market's: the default where it had none) */
    Simulator(Scenario scenario, Config config) {
        this(scenario, config, RequestSizes::of, true);
    }

    /** With other sizes per class, and (when {@code poisson} is false) exactly round(d × step / mean) arrivals: for tests. */
    Simulator(Scenario scenario, Config config, Function<String, RequestSizes> sizesOf, boolean poisson) {
        this.scenario = scenario;
        this.costs = new CostModel(scenario);
        this.config = config;
        this.sizesOf = sizesOf;
        this.poisson = poisson;
        this.penalty = new double[scenario.classes().size()];
        for (int k = 0; k < penalty.length; k++) {
            WorkloadClass cls = scenario.classes().get(k);
            penalty[k] = cls.unservedPenaltyPerMTokens().orElseThrow(() -> new IllegalArgumentException(
                    "class '" + cls.id() + "' has no unserved penalty: the demo prices unserved tokens at it"));
        }
    }

    Replay run(List<RoutingStrategy> strategies, Drop drop) {
        return run(strategies, drop, null);
    }

    /** @param reports the router's demand reports, or null for none */
    Replay run(List<RoutingStrategy> strategies, Drop drop, DemandReports reports) {
        List<ComputeNode> nodes = scenario.nodes();
        List<WorkloadClass> classes = scenario.classes();
        int nN = nodes.size();
        int nK = classes.size();
        int nS = strategies.size();
        int steps = config.steps();
        double dt = config.stepSeconds();
        double[][] capacity = new double[nN][nK];
        for (int n = 0; n < nN; n++) {
            for (int k = 0; k < nK; k++) {
                capacity[n][k] = nodes.get(n).capacityOf(classes.get(k).id());
            }
        }
        LinkLoad links = new LinkLoad(scenario, nS);
        int[] halfSteps = new int[2];
        List<Map<OriginClass, Double>> requested = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());

        List<Outcome> outcomes = new ArrayList<>();
        for (RoutingStrategy s : strategies) {
            outcomes.add(new Outcome(s.name(), steps));
        }
        SiteQueue[][][] queue = new SiteQueue[nS][nN][nK];
        for (int s = 0; s < nS; s++) {
            for (int n = 0; n < nN; n++) {
                for (int k = 0; k < nK; k++) {
                    queue[s][n][k] = new SiteQueue();
                }
            }
        }
        double[][][] arrived = new double[nS][nN][nK];
        double[][][] arrivedCost = new double[nS][nN][nK];
        double[][][] arrivedWithin = new double[nS][nN][nK];
        SplittableRandom random = new SplittableRandom(config.seed());
        // the order requests reach the routers within a step: its own stream, so the trace is the seed's
        SplittableRandom order = new SplittableRandom(config.seed()).split();
        // a site is busy once its queue and this step's arrivals reach one step of its capacity
        SitePushBack[] pushBack = new SitePushBack[nS];
        for (int s = 0; s < nS; s++) {
            final int strategy = s;
            pushBack[s] = new SitePushBack() {
                @Override
                public boolean busy(String node, String classId) {
                    int n = scenario.nodeIndex(node);
                    int k = scenario.classIndex(classId);
                    return queue[strategy][n][k].tokens() + arrived[strategy][n][k] >= capacity[n][k] * dt;
                }

                @Override
                public double backlogSeconds(String node, String classId) {
                    int n = scenario.nodeIndex(node);
                    int k = scenario.classIndex(classId);
                    double waiting = queue[strategy][n][k].tokens();
                    return waiting <= 0 ? 0 : capacity[n][k] > 0 ? waiting / capacity[n][k] : Double.POSITIVE_INFINITY;
                }
            };
        }
        int dropClass = drop == null ? -1 : scenario.classIndex(drop.classId());

        Map<OriginClass, Double> seen = new LinkedHashMap<>();
        for (int t = 0; t < steps; t++) {
            if (reports != null && t > 0 && t % reports.everySteps() == 0) {
                double seconds = t * dt;
                Map<OriginClass, Double> rates = new LinkedHashMap<>();
                seen.forEach((oc, tokens) -> rates.put(oc, tokens / seconds));
                reports.report().accept(rates);
                strategies.forEach(RoutingStrategy::onNewVersion);
            }
            if (drop != null && t == drop.step()) {
                if (drop.beforeStep() != null) {
                    drop.beforeStep().run();
                }
                capacity[scenario.nodeIndex(drop.node())][dropClass] = drop.newTokensPerSecond();
                strategies.forEach(RoutingStrategy::onNewVersion);
            }
            int half = drop != null && t >= drop.step() ? 1 : 0;
            halfSteps[half]++;
            for (int s = 0; s < nS; s++) {
                for (int n = 0; n < nN; n++) {
                    java.util.Arrays.fill(arrived[s][n], 0);
                    java.util.Arrays.fill(arrivedCost[s][n], 0);
                    java.util.Arrays.fill(arrivedWithin[s][n], 0);
                }
            }
            List<Request> arrivals = new ArrayList<>();
            for (Demand d : scenario.demand()) {
                if (!(d.tokensPerSecond() > 0)) {
                    continue;
                }
                int k = scenario.classIndex(d.classId());
                RequestSizes sizes = sizesOf.apply(d.classId());
                double lambda = d.tokensPerSecond() * dt / sizes.mean();
                long count = poisson ? RequestSizes.poisson(lambda, random) : Math.round(lambda);
                String prefix = d.origin() + '/' + d.classId() + '/' + t + '/';
                double requestedHere = 0;
                for (long i = 0; i < count; i++) {
                    double tokens = sizes.draw(random);
                    requestedHere += tokens;
                    arrivals.add(new Request(d.origin(), d.classId(), k, prefix + i, tokens));
                }
                requested.get(half).merge(new OriginClass(d.origin(), d.classId()), requestedHere, Double::sum);
                seen.merge(new OriginClass(d.origin(), d.classId()), requestedHere, Double::sum);
            }
            shuffle(arrivals, order);
            for (Request r : arrivals) {
                for (int s = 0; s < nS; s++) {
                    Outcome o = outcomes.get(s);
                    o.requestedTokens += r.tokens();
                    RouteChoice choice = strategies.get(s).choose(r.origin(), r.classId(), r.id(), pushBack[s]);
                    if (choice != null && choice.shed()) {
                        o.shedTokens += r.tokens();
                        drop(o, t, half, r.classIndex(), r.tokens());
                        if (r.classIndex() == dropClass) {
                            o.dropClassShares.get(half).computeIfAbsent(r.origin(), x -> new TreeMap<>())
                                    .merge(Outcome.SHED, r.tokens(), Double::sum);
                        }
                        continue;
                    }
                    double routing = choice == null ? Double.NaN : costs.routing(choice.path(), r.classId());
                    if (choice == null || Double.isNaN(routing) || !choice.path().get(0).equals(r.origin())) {
                        o.unroutedTokens += r.tokens();
                        drop(o, t, half, r.classIndex(), r.tokens());
                        continue;
                    }
                    int n = scenario.nodeIndex(choice.site());
                    int k = r.classIndex();
                    arrived[s][n][k] += r.tokens();
                    arrivedCost[s][n][k] += r.tokens() / 1e6 * (costs.processing(choice.site(), r.classId()) + routing);
                    if (costs.withinLatency(choice.path(), r.classId())) {
                        arrivedWithin[s][n][k] += r.tokens();
                    }
                    links.carry(s, half, choice.path(), r.tokens(), k);
                    if (k == dropClass) {
                        o.dropClassShares.get(half).computeIfAbsent(r.origin(), x -> new TreeMap<>())
                                .merge(choice.site(), r.tokens(), Double::sum);
                    }
                }
            }
            for (int s = 0; s < nS; s++) {
                Outcome o = outcomes.get(s);
                for (int n = 0; n < nN; n++) {
                    for (int k = 0; k < nK; k++) {
                        SiteQueue.Step step = queue[s][n][k].step(arrived[s][n][k], arrivedCost[s][n][k],
                                arrivedWithin[s][n][k], capacity[n][k] * dt, capacity[n][k] * config.queueSeconds());
                        o.servedTokens += step.servedTokens();
                        o.servedCost += step.servedCost();
                        o.servedWithinLatencyTokens += step.servedWithinLatency();
                        o.servedCostPerStep[t] += step.servedCost();
                        o.costWithPenaltyByHalf[half] += step.servedCost();
                        if (step.rejectedTokens() > 0) {
                            o.rejectedTokens += step.rejectedTokens();
                            drop(o, t, half, k, step.rejectedTokens());
                            o.overloadedSites.add(nodes.get(n).id());
                            o.overloadedSiteClasses.add(nodes.get(n).id() + "/" + classes.get(k).id());
                        }
                        if (capacity[n][k] > 0) {
                            o.maxQueueSeconds = Math.max(o.maxQueueSeconds, queue[s][n][k].tokens() / capacity[n][k]);
                        }
                    }
                }
            }
        }
        int lastHalf = drop != null && drop.step() < steps ? 1 : 0;
        for (int s = 0; s < nS; s++) {
            Outcome o = outcomes.get(s);
            for (int n = 0; n < nN; n++) {
                for (int k = 0; k < nK; k++) {
                    double waiting = queue[s][n][k].tokens();
                    if (waiting > 0) {
                        o.queuedAtEnd += waiting;
                        o.queuedAtEndBySite.put(nodes.get(n).id() + "/" + classes.get(k).id(), waiting);
                        drop(o, steps - 1, lastHalf, k, waiting);
                    }
                }
            }
            o.overloadedLinks.addAll(links.overloaded(s, halfSteps, dt));
        }
        return new Replay(outcomes, requested, halfSteps);
    }

    /** One request of the trace. */
    private record Request(String origin, String classId, int classIndex, String id, double tokens) {}

    /** Fisher-Yates. */
    private static void shuffle(List<Request> requests, SplittableRandom random) {
        for (int i = requests.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Request r = requests.get(i);
            requests.set(i, requests.get(j));
            requests.set(j, r);
        }
    }

    /** Books {@code tokens} of class {@code k} as not served, at step {@code t}, at the class's penalty. */
    private void drop(Outcome o, int t, int half, int k, double tokens) {
        double p = tokens / 1e6 * penalty[k];
        o.penalty += p;
        o.penaltyPerStep[t] += p;
        o.costWithPenaltyByHalf[half] += p;
    }

    /** GB carried per link and half, per strategy, as the LP counts link load. */
    private static final class LinkLoad {
        private final List<Link> links;
        private final Map<String, Integer> index = new TreeMap<>();
        private final double[][][] gb;
        private final double[] weight;

        LinkLoad(Scenario scenario, int strategies) {
            links = scenario.links();
            for (int i = 0; i < links.size(); i++) {
                index.put(links.get(i).from() + '\u0000' + links.get(i).to(), i);
            }
            gb = new double[strategies][2][links.size()];
            // token-equivalent: every token weighs the lightest class's GB (B = W / a); transfer-aware: its own
            List<WorkloadClass> classes = scenario.classes();
            double lightest = classes.stream().mapToDouble(WorkloadClass::gbPerMTokens).min().orElse(0);
            weight = new double[classes.size()];
            for (int k = 0; k < weight.length; k++) {
                weight[k] = scenario.bandwidthModel() == BandwidthModel.TRANSFER_AWARE
                        ? classes.get(k).gbPerMTokens() : lightest;
            }
        }

        void carry(int s, int half, List<String> path, double tokens, int k) {
            double load = tokens / 1e6 * weight[k];
            for (int h = 1; h < path.size(); h++) {
                gb[s][half][index.get(path.get(h - 1) + '\u0000' + path.get(h))] += load;
            }
        }

        List<String> overloaded(int s, int[] halfSteps, double dt) {
            java.util.TreeSet<String> out = new java.util.TreeSet<>();
            for (int h = 0; h < 2; h++) {
                if (halfSteps[h] == 0) {
                    continue;
                }
                for (int i = 0; i < links.size(); i++) {
                    if (gb[s][h][i] / (halfSteps[h] * dt) > links.get(i).capacityGbPerSecond() * 1.01) {
                        out.add(links.get(i).from() + "->" + links.get(i).to());
                    }
                }
            }
            return List.copyOf(out);
        }
    }
}
