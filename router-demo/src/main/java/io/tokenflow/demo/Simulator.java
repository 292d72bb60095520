package io.tokenflow.demo;

import io.tokenflow.demo.router.RouteChoice;
import io.tokenflow.demo.router.RoutingStrategy;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Replays one seeded request trace of a scenario against several strategies side by side.
 *
 * <ul>
 *   <li>Time runs in steps of {@code stepSeconds}. Per step and origin × class with demand d tok/s,
 *       Poisson(d × step / mean size) requests arrive, sizes drawn per class ({@link RequestSizes});
 *       every strategy routes the same requests (ids {@code origin/class/step/i}).</li>
 *   <li>Each site × class processes up to capacity × step tokens a step, queue first. What is left
 *       waits in a queue bounded by {@code queueSeconds} × capacity; tokens beyond the bound are
 *       rejected (arrivals first). A site is <b>overloaded</b> when it rejected tokens of some class
 *       at some step (that is, its queue would have exceeded the bound).</li>
 *   <li>An accepted request costs tokens × (processing at the site + routing along its path), booked
 *       at the step it is accepted (queued tokens are served later at the same price). $/hr equivalent
 *       = cost over the window × 3600 / window.</li>
 *   <li>Served within latency: accepted tokens whose path uses only links within the class's limit
 *       (the paper's rule), as a share of all requested tokens.</li>
 *   <li>Links are not queues: a link whose average load over either half is above its capacity by
 *       more than 1 %, counted as the LP counts it (token-equivalent: tokens × the lightest class's
 *       GB per token; transfer-aware: GB), is reported as an overloaded link.</li>
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

    /** What one strategy did. Tokens are tokens (not M); costs in $. */
    static final class Outcome {
        final String name;
        final double[] costPerStep;
        double cost;
        double costBefore;
        double costAfter;
        double requestedTokens;
        double acceptedTokens;
        double withinLatencyTokens;
        double rejectedTokens;
        double unroutedTokens;
        double queuedAtEnd;
        double maxQueueSeconds;
        final TreeSet<String> overloadedSites = new TreeSet<>();
        final TreeSet<String> overloadedSiteClasses = new TreeSet<>();
        final TreeSet<String> overloadedLinks = new TreeSet<>();
        /** half (0 before the drop, 1 after) → origin → site → routed tokens, drop class only. */
        final List<Map<String, Map<String, Double>>> dropClassShares = List.of(new TreeMap<>(), new TreeMap<>());

        Outcome(String name, int steps) {
            this.name = name;
            this.costPerStep = new double[steps];
        }
    }

    private final Scenario scenario;
    private final CostModel costs;
    private final Config config;

    private final Function<String, RequestSizes> sizesOf;
    private final boolean poisson;

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
    }

    List<Outcome> run(List<RoutingStrategy> strategies, Drop drop) {
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
        List<Link> links = scenario.links();
        Map<String, Integer> linkIndex = new TreeMap<>();
        for (int i = 0; i < links.size(); i++) {
            linkIndex.put(links.get(i).from() + '\u0000' + links.get(i).to(), i);
        }
        double[][][] linkGb = new double[nS][2][links.size()];
        // as the LP counts link load: token-equivalent, every token weighs the lightest class's GB
        // (B = W / a); transfer-aware, its own class's GB
        double lightest = classes.stream().mapToDouble(WorkloadClass::gbPerMTokens).min().orElse(0);
        double[] linkWeight = new double[nK];
        for (int k = 0; k < nK; k++) {
            linkWeight[k] = scenario.bandwidthModel() == BandwidthModel.TRANSFER_AWARE
                    ? classes.get(k).gbPerMTokens() : lightest;
        }
        int[] halfSteps = new int[2];

        List<Outcome> outcomes = new ArrayList<>();
        for (RoutingStrategy s : strategies) {
            outcomes.add(new Outcome(s.name(), steps));
        }
        double[][][] queue = new double[nS][nN][nK];
        double[][][] arrived = new double[nS][nN][nK];
        double[][][] arrivedCost = new double[nS][nN][nK];
        double[][][] arrivedWithin = new double[nS][nN][nK];
        SplittableRandom random = new SplittableRandom(config.seed());
        int dropClass = drop == null ? -1 : scenario.classIndex(drop.classId());

        for (int t = 0; t < steps; t++) {
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
            for (Demand d : scenario.demand()) {
                if (!(d.tokensPerSecond() > 0)) {
                    continue;
                }
                int k = scenario.classIndex(d.classId());
                RequestSizes sizes = sizesOf.apply(d.classId());
                double lambda = d.tokensPerSecond() * dt / sizes.mean();
                long count = poisson ? RequestSizes.poisson(lambda, random) : Math.round(lambda);
                String prefix = d.origin() + '/' + d.classId() + '/' + t + '/';
                for (long i = 0; i < count; i++) {
                    double tokens = sizes.draw(random);
                    String id = prefix + i;
                    for (int s = 0; s < nS; s++) {
                        Outcome o = outcomes.get(s);
                        o.requestedTokens += tokens;
                        RouteChoice choice = strategies.get(s).choose(d.origin(), d.classId(), id);
                        double routing = choice == null ? Double.NaN : costs.routing(choice.path(), d.classId());
                        if (choice == null || Double.isNaN(routing) || !choice.path().get(0).equals(d.origin())) {
                            o.unroutedTokens += tokens;
                            o.rejectedTokens += tokens;
                            continue;
                        }
                        int n = scenario.nodeIndex(choice.site());
                        arrived[s][n][k] += tokens;
                        arrivedCost[s][n][k] += tokens / 1e6 * (costs.processing(choice.site(), d.classId()) + routing);
                        if (costs.withinLatency(choice.path(), d.classId())) {
                            arrivedWithin[s][n][k] += tokens;
                        }
                        List<String> path = choice.path();
                        double gb = tokens / 1e6 * linkWeight[k];
                        for (int h = 1; h < path.size(); h++) {
                            linkGb[s][half][linkIndex.get(path.get(h - 1) + '\u0000' + path.get(h))] += gb;
                        }
                        if (k == dropClass) {
                            o.dropClassShares.get(half).computeIfAbsent(d.origin(), x -> new TreeMap<>())
                                    .merge(choice.site(), tokens, Double::sum);
                        }
                    }
                }
            }
            for (int s = 0; s < nS; s++) {
                Outcome o = outcomes.get(s);
                double stepCost = 0;
                for (int n = 0; n < nN; n++) {
                    for (int k = 0; k < nK; k++) {
                        double a = arrived[s][n][k];
                        double q = queue[s][n][k];
                        double cap = capacity[n][k] * dt;
                        double bound = capacity[n][k] * config.queueSeconds();
                        double left = Math.max(0, q + a - cap);
                        double excess = Math.max(0, left - bound);
                        double rejectedArrivals = Math.min(a, excess);
                        queue[s][n][k] = left - excess;
                        if (excess > 0) {
                            o.rejectedTokens += excess;
                            o.overloadedSites.add(nodes.get(n).id());
                            o.overloadedSiteClasses.add(nodes.get(n).id() + "/" + classes.get(k).id());
                        }
                        if (capacity[n][k] > 0) {
                            o.maxQueueSeconds = Math.max(o.maxQueueSeconds, queue[s][n][k] / capacity[n][k]);
                        }
                        if (a > 0) {
                            double accepted = (a - rejectedArrivals) / a;
                            stepCost += arrivedCost[s][n][k] * accepted;
                            o.acceptedTokens += a - rejectedArrivals;
                            o.withinLatencyTokens += arrivedWithin[s][n][k] * accepted;
                        }
                    }
                }
                o.costPerStep[t] = stepCost;
                o.cost += stepCost;
                if (half == 0) {
                    o.costBefore += stepCost;
                } else {
                    o.costAfter += stepCost;
                }
            }
        }
        for (int s = 0; s < nS; s++) {
            Outcome o = outcomes.get(s);
            for (double[] row : queue[s]) {
                for (double v : row) {
                    o.queuedAtEnd += v;
                }
            }
            for (int h = 0; h < 2; h++) {
                if (halfSteps[h] == 0) {
                    continue;
                }
                for (int i = 0; i < links.size(); i++) {
                    double gbPerSecond = linkGb[s][h][i] / (halfSteps[h] * dt);
                    if (gbPerSecond > links.get(i).capacityGbPerSecond() * 1.01) {
                        o.overloadedLinks.add(links.get(i).from() + "->" + links.get(i).to());
                    }
                }
            }
        }
        return outcomes;
    }
}
