package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.Diagnosis;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.PathFlow;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.Settlement;
import io.tokenflow.market.solution.SolveStats;
import io.tokenflow.market.solution.UnservedDemand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntFunction;

/** Reads an LP solution back into market terms: prices with paths, dispatch, rents, settlement. */
final class ResultAssembler {
    private final Scenario scenario;
    private final Coefficients co;
    private final LpLayout layout;
    private final LpSolution solution;
    /** f_a,k in LP units: the arc column, or for a path class the sum of its paths through the link. */
    private final double[][] arcFlow;

    ResultAssembler(Scenario scenario, Coefficients co, LpLayout layout, LpSolution solution) {
        this.scenario = scenario;
        this.co = co;
        this.layout = layout;
        this.solution = solution;
        this.arcFlow = new double[co.linkCount][co.classCount];
        for (int a = 0; a < co.linkCount; a++) {
            for (int k = 0; k < co.classCount; k++) {
                arcFlow[a][k] = value(layout.flow[a][k]);
            }
        }
        for (LpLayout.PathColumn p : layout.paths) {
            double f = value(p.column());
            for (int a : p.arcs()) {
                arcFlow[a][p.k()] += f;
            }
        }
    }

    /** The OPTIMAL clearing. */
    ClearingResult optimal(SolveStats stats) {
        double[] eta = congestionRents();
        PriceDecomposer decomposer = new PriceDecomposer(co, layout, solution, eta);
        PriceDecomposer.ClassPrices[] byClass = new PriceDecomposer.ClassPrices[co.classCount];
        for (int k = 0; k < co.classCount; k++) {
            byClass[k] = decomposer.decompose(k);
        }
        decomposer.priceClosedLinks(byClass);
        List<NodePrice> prices = new ArrayList<>(co.nodeCount * co.classCount);
        for (int j = 0; j < co.nodeCount; j++) {
            for (int k = 0; k < co.classCount; k++) {
                prices.add(nodePrice(j, k, byClass[k], eta));
            }
        }
        List<ArcFlow> flows = flows();
        List<ProcessingLevel> processing = processing(k -> byClass[k].scarcity);
        List<UnservedDemand> unserved = unserved();
        return new ClearingResult(scenario.name(), ClearingStatus.OPTIMAL, scenario.bandwidthModel(),
                scenario.latencyScope(), OptionalDouble.of(solution.objective() * Coefficients.SECONDS_PER_HOUR), prices,
                processing, flows, pathFlows(processing, flows, unserved, true), links(eta), unserved,
                Optional.of(settlement(byClass, eta)), Optional.empty(), stats);
    }

    /** The INFEASIBLE clearing: the least-shortfall dispatch with its diagnosis, and no prices. */
    ClearingResult infeasible(Diagnosis diagnosis, SolveStats stats) {
        double[] noRents = new double[co.linkCount];
        List<ArcFlow> flows = flows();
        List<ProcessingLevel> processing = processing(k -> new double[co.nodeCount]);
        List<UnservedDemand> unserved = unserved();
        return new ClearingResult(scenario.name(), ClearingStatus.INFEASIBLE, scenario.bandwidthModel(),
                scenario.latencyScope(), OptionalDouble.empty(), List.of(), processing, flows,
                pathFlows(processing, flows, unserved, false), links(noRents), unserved, Optional.empty(),
                Optional.of(diagnosis), stats);
    }

    /** η_a = −(dual of the link row) ≥ 0. */
    double[] congestionRents() {
        double[] eta = new double[co.linkCount];
        for (int a = 0; a < co.linkCount; a++) {
            eta[a] = Tolerances.cleanPrice(Math.max(0, -solution.rowDuals()[layout.linkRow[a]]));
        }
        return eta;
    }

    private NodePrice nodePrice(int j, int k, PriceDecomposer.ClassPrices prices, double[] eta) {
        PriceDecomposer.Decomposed d = prices.decomposed[j];
        double routing = 0;
        double congestion = 0;
        for (int a : d.arcs()) {
            routing += co.routingCost[a][k];
            congestion += co.linkWeight[k] * eta[a];
        }
        List<String> path = new ArrayList<>(d.path().length);
        for (int node : d.path()) {
            path.add(scenario.nodes().get(node).id());
        }
        int s = d.servingNode();
        boolean served = d.terminal() == PriceDecomposer.Terminal.SERVED;
        return new NodePrice(
                scenario.nodes().get(j).id(),
                scenario.classes().get(k).id(),
                d.price(),
                served ? co.processingCost[s][k] : 0,
                served ? prices.scarcity[s] : 0,
                routing,
                congestion,
                d.terminal() == PriceDecomposer.Terminal.PENALTY ? co.penalty[k] : 0,
                served ? Optional.of(scenario.nodes().get(s).id()) : Optional.empty(),
                path,
                served ? co.electricityCost[s][k] : 0,
                served ? co.processingCost[s][k] - co.electricityCost[s][k] : 0);
    }

    /** Every node × class with its rent; {@code rentsOfClass} gives μ by node for a class index. */
    private List<ProcessingLevel> processing(IntFunction<double[]> rentsOfClass) {
        List<ProcessingLevel> levels = new ArrayList<>(co.nodeCount * co.classCount);
        double[][] mu = new double[co.classCount][];
        for (int k = 0; k < co.classCount; k++) {
            mu[k] = rentsOfClass.apply(k);
        }
        for (int j = 0; j < co.nodeCount; j++) {
            for (int k = 0; k < co.classCount; k++) {
                String classId = scenario.classes().get(k).id();
                double x = Math.min(Math.max(0, value(layout.processing[j][k])), co.capacity[j][k]);
                levels.add(new ProcessingLevel(scenario.nodes().get(j).id(), classId, tokens(x),
                        scenario.nodes().get(j).capacityOf(classId), mu[k][j]));
            }
        }
        return levels;
    }

    private List<ArcFlow> flows() {
        List<ArcFlow> flows = new ArrayList<>();
        for (int a = 0; a < co.linkCount; a++) {
            for (int k = 0; k < co.classCount; k++) {
                double f = arcFlow[a][k];
                if (f > Tolerances.ZERO_RATE) {
                    flows.add(new ArcFlow(scenario.links().get(a).from(), scenario.links().get(a).to(),
                            scenario.classes().get(k).id(), tokens(f)));
                }
            }
        }
        return flows;
    }

    private List<LinkState> links(double[] eta) {
        List<LinkState> links = new ArrayList<>(co.linkCount);
        for (int a = 0; a < co.linkCount; a++) {
            double tokens = 0;
            double gb = 0;
            double load = 0;
            for (int k = 0; k < co.classCount; k++) {
                double f = Math.max(0, arcFlow[a][k]);
                tokens += f;
                gb += scenario.classes().get(k).gbPerMTokens() * f;
                load += co.linkWeight[k] * f;
            }
            double capacity = co.linkCapacity[a];
            double utilization = capacity > 0 && capacity < Double.POSITIVE_INFINITY ? load / capacity : 0;
            links.add(new LinkState(scenario.links().get(a).from(), scenario.links().get(a).to(), eta[a],
                    Tolerances.cleanRate(utilization), tokens(tokens), Tolerances.cleanRate(gb)));
        }
        return links;
    }

    /**
     * Every origin's served tokens along the paths that carry them: a path class's path columns as they
     * are; an arc class's flows split by {@link FlowDecomposition} (of the rates as the result reports
     * them, so that the split read back from a published result is the same). Arc classes are left out
     * of a least-shortfall dispatch ({@code arcClasses} false): phase 1 prices nothing, so its arc flows
     * may end as "unserved" at any node and need not split into origin paths.
     */
    private List<PathFlow> pathFlows(List<ProcessingLevel> processing, List<ArcFlow> flows,
            List<UnservedDemand> unserved, boolean arcClasses) {
        List<List<List<PathFlow>>> byOrigin = new ArrayList<>(); // [origin][class]
        for (int j = 0; j < co.nodeCount; j++) {
            List<List<PathFlow>> perClass = new ArrayList<>();
            for (int k = 0; k < co.classCount; k++) {
                perClass.add(new ArrayList<>());
            }
            byOrigin.add(perClass);
        }
        for (LpLayout.PathColumn p : layout.paths) {
            double f = value(p.column());
            if (f > Tolerances.ZERO_RATE) {
                byOrigin.get(p.origin()).get(p.k()).add(pathFlow(p.k(), p.nodes(), tokens(f), p.latencyMs()));
            }
        }
        double[][] served = scenario.demandTable();
        double[][] processed = new double[co.nodeCount][co.classCount];
        for (int i = 0; i < processing.size(); i++) {
            processed[i / co.classCount][i % co.classCount] = processing.get(i).tokensPerSecond();
            served[i / co.classCount][i % co.classCount] -= unserved.get(i).tokensPerSecond();
        }
        Map<String, Integer> linkIndex = new HashMap<>();
        for (int a = 0; a < co.linkCount; a++) {
            linkIndex.put(scenario.links().get(a).label(), a);
        }
        double[][] flow = new double[co.classCount][co.linkCount];
        for (ArcFlow f : flows) {
            flow[scenario.classIndex(f.classId())][linkIndex.get(f.from() + "->" + f.to())] = f.tokensPerSecond();
        }
        for (int k = 0; k < co.classCount; k++) {
            if (co.pathClass[k] || !arcClasses) {
                continue;
            }
            double[] supply = new double[co.nodeCount];
            double[] sink = new double[co.nodeCount];
            for (int j = 0; j < co.nodeCount; j++) {
                supply[j] = Math.max(0, served[j][k]);
                sink[j] = processed[j][k];
            }
            Map<List<Integer>, double[]> merged = new LinkedHashMap<>();
            Map<List<Integer>, FlowDecomposition.Chunk> first = new HashMap<>();
            for (FlowDecomposition.Chunk c : FlowDecomposition.decompose(co, supply, sink, flow[k])) {
                List<Integer> key = Arrays.stream(c.nodes()).boxed().toList();
                merged.computeIfAbsent(key, x -> new double[1])[0] += c.amount();
                first.putIfAbsent(key, c);
            }
            final int cls = k;
            merged.forEach((key, amount) -> {
                FlowDecomposition.Chunk c = first.get(key);
                double latency = 0;
                for (int a : c.arcs()) {
                    latency += co.latency[a];
                }
                byOrigin.get(c.origin()).get(cls).add(pathFlow(cls, c.nodes(), amount[0], latency));
            });
        }
        List<PathFlow> all = new ArrayList<>();
        for (List<List<PathFlow>> perClass : byOrigin) {
            for (List<PathFlow> paths : perClass) {
                paths.sort(Comparator.comparingDouble(PathFlow::tokensPerSecond).reversed());
                all.addAll(paths);
            }
        }
        return all;
    }

    private PathFlow pathFlow(int k, int[] nodes, double tokensPerSecond, double latencyMs) {
        List<String> path = new ArrayList<>(nodes.length);
        for (int node : nodes) {
            path.add(scenario.nodes().get(node).id());
        }
        return new PathFlow(path.get(0), scenario.classes().get(k).id(), path, tokensPerSecond,
                Math.round(latencyMs * 1e9) / 1e9);
    }

    private List<UnservedDemand> unserved() {
        List<UnservedDemand> unserved = new ArrayList<>(co.nodeCount * co.classCount);
        for (int j = 0; j < co.nodeCount; j++) {
            for (int k = 0; k < co.classCount; k++) {
                unserved.add(new UnservedDemand(scenario.nodes().get(j).id(), scenario.classes().get(k).id(),
                        tokens(Math.max(0, value(layout.unserved[j][k])))));
            }
        }
        return unserved;
    }

    private Settlement settlement(PriceDecomposer.ClassPrices[] byClass, double[] eta) {
        double users = 0;
        double compute = 0;
        for (int j = 0; j < co.nodeCount; j++) {
            for (int k = 0; k < co.classCount; k++) {
                double served = co.demand[j][k] - Math.max(0, value(layout.unserved[j][k]));
                users += byClass[k].price[j] * served;
                double x = Math.max(0, value(layout.processing[j][k]));
                compute += (co.processingCost[j][k] + byClass[k].scarcity[j]) * x;
            }
        }
        double network = 0;
        double route = 0;
        for (int a = 0; a < co.linkCount; a++) {
            for (int k = 0; k < co.classCount; k++) {
                double f = Math.max(0, arcFlow[a][k]);
                double tariff = co.routingCost[a][k] - co.routeCost[a];
                network += (tariff + co.linkWeight[k] * eta[a]) * f;
                route += co.routeCost[a] * f;
            }
        }
        double h = Coefficients.SECONDS_PER_HOUR;
        return new Settlement(users * h, compute * h, network * h, (users - compute - network) * h, route * h);
    }

    private double value(int col) {
        return col < 0 ? 0 : solution.primal()[col];
    }

    /** LP rate → tokens/s, rounded to micro-tokens (far below solver precision) so output reads cleanly. */
    static double tokens(double lpRate) {
        double tokensPerSecond = Tolerances.cleanRate(lpRate) * Coefficients.TOKENS_PER_UNIT;
        return Math.abs(tokensPerSecond) < 1e9 ? Math.round(tokensPerSecond * 1e6) / 1e6 : tokensPerSecond;
    }
}
