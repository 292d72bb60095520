package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.Diagnosis;
import io.tokenflow.market.solution.FarkasCertificate;
import io.tokenflow.market.solution.FarkasCertificate.LinkWeight;
import io.tokenflow.market.solution.FarkasCertificate.NodeClassWeight;
import io.tokenflow.market.solution.LatencyReach;
import io.tokenflow.market.solution.UnservedDemand;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Explains an infeasible clearing by solving the least-shortfall LP (phase 1: minimise must-serve
 * demand left unserved, every other cost 0). Its optimum says how much cannot be served and where
 * one least-shortfall dispatch leaves origins short; its duals are a Farkas certificate naming the
 * capacities and links that bind.
 */
final class ShortfallDiagnoser {
    /** A certificate weight below this is treated as 0. */
    private static final double WEIGHT_TOLERANCE = 1e-9;

    private final Scenario scenario;
    private final Coefficients co;
    private final LpLayout layout;
    private final LpSolution solution;

    private ShortfallDiagnoser(Scenario scenario, Coefficients co, LpLayout layout, LpSolution solution) {
        this.scenario = scenario;
        this.co = co;
        this.layout = layout;
        this.solution = solution;
    }

    /**
     * Result of phase 1: the dispatch serving the most, and what it proves; with path classes, the pricing
     * rounds it took and the paths its dispatch uses.
     */
    record Outcome(Diagnosis diagnosis, ResultAssembler dispatch, int rounds,
            List<TokenFlowFormulation.PathSpec> usedPaths) {}

    /**
     * Solves phase 1, with column generation for the path classes (starting from the zero-arc paths and
     * {@code seeds}): its optimum is the least shortfall over every latency-feasible path, not only the
     * seeds, and its duals then a certificate for the whole LP.
     */
    static Outcome diagnose(Scenario scenario, Coefficients co, SolverKind kind, Duration timeLimit,
            List<TokenFlowFormulation.PathSpec> seeds) {
        TokenFlowFormulation.Formulated phase1 =
                TokenFlowFormulation.formulate(scenario, co, TokenFlowFormulation.Goal.LEAST_SHORTFALL, seeds);
        LpSolution solution;
        int rounds = 0;
        try (OrToolsLpSolver solver = new OrToolsLpSolver(phase1.lp(), kind)) {
            if (timeLimit != null) {
                solver.setTimeLimitMillis(timeLimit.toMillis());
            }
            if (co.anyPathClass()) {
                solver.keepBasisAcrossNewColumns();
            }
            solution = solver.solve();
            if (co.anyPathClass()) {
                ColumnGeneration.Outcome generated = ColumnGeneration.run(solver, co, phase1.layout(), phase1.names(),
                        TokenFlowFormulation.Goal.LEAST_SHORTFALL, solution);
                solution = generated.solution();
                rounds = generated.rounds();
            }
        }
        if (solution.status() != LpSolution.LpStatus.OPTIMAL) {
            // phase 1 is always feasible (y absorbs any demand) and bounded below by 0
            throw new ClearingFailedException("least-shortfall LP ended " + solution.status());
        }
        List<TokenFlowFormulation.PathSpec> used = new ArrayList<>();
        for (LpLayout.PathColumn p : phase1.layout().paths) {
            if (solution.primal()[p.column()] > Tolerances.ZERO_RATE) {
                used.add(new TokenFlowFormulation.PathSpec(p.k(), p.nodes(), p.arcs()));
            }
        }
        ShortfallDiagnoser diagnoser = new ShortfallDiagnoser(scenario, co, phase1.layout(), solution);
        return new Outcome(diagnoser.diagnosis(), new ResultAssembler(scenario, co, phase1.layout(), solution), rounds,
                used);
    }

    private Diagnosis diagnosis() {
        FarkasCertificate certificate = certificate();
        List<ClassShortfall> shortfalls = new ArrayList<>();
        for (int k = 0; k < co.classCount; k++) {
            if (co.hasPenalty(k)) {
                continue;
            }
            double shortfall = 0;
            double demand = 0;
            List<UnservedDemand> origins = new ArrayList<>();
            for (int j = 0; j < co.nodeCount; j++) {
                demand += co.demand[j][k];
                double y = solution.primal()[layout.unserved[j][k]];
                if (y > Tolerances.ZERO_RATE) {
                    shortfall += y;
                    origins.add(new UnservedDemand(scenario.nodes().get(j).id(), scenario.classes().get(k).id(),
                            ResultAssembler.tokens(y)));
                }
            }
            if (shortfall <= Tolerances.ZERO_RATE) {
                continue;
            }
            shortfalls.add(new ClassShortfall(scenario.classes().get(k).id(), ResultAssembler.tokens(demand),
                    ResultAssembler.tokens(shortfall), constrainedOrigins(k), origins, exhaustedNodes(k),
                    bottleneckLinks(k), latencyReach(k, origins)));
        }
        return new Diagnosis(message(shortfalls), shortfalls, certificate);
    }

    private int originsWithDemand(String classId) {
        int k = scenario.classIndex(classId);
        int count = 0;
        for (int j = 0; j < co.nodeCount; j++) {
            count += co.demand[j][k] > 0 ? 1 : 0;
        }
        return count;
    }

    /**
     * u_j,k, the balance row's dual. A path class's origin without demand has no paths in the LP, so its
     * dual is not held down by them; any u ≤ 0 serves there (it meets every path's condition, and d = 0
     * leaves the bound unchanged), so it is reported as at most 0.
     */
    private double balanceWeight(int j, int k) {
        double u = solution.rowDuals()[layout.balance[j][k]];
        return co.pathClass[k] && co.demand[j][k] <= 0 ? Math.min(0, u) : u;
    }

    /**
     * v_j,k = the dual of what reaches x (u_j,k, or the arrival row's σ_j,k for a path class) where x sits
     * at capacity (minus its reduced cost), else 0.
     */
    private double capacityWeight(int j, int k) {
        double x = solution.primal()[layout.processing[j][k]];
        boolean atCapacity = x >= co.capacity[j][k] - 1e-9 * Math.max(1.0, co.capacity[j][k]);
        double reaching = co.pathClass[k] ? solution.rowDuals()[layout.arrival[j][k]] : balanceWeight(j, k);
        return atCapacity ? Math.max(0, reaching) : 0;
    }

    private double linkWeight(int a) {
        return Math.max(0, -solution.rowDuals()[layout.linkRow[a]]);
    }

    private FarkasCertificate certificate() {
        List<NodeClassWeight> balance = new ArrayList<>();
        List<NodeClassWeight> capacity = new ArrayList<>();
        List<LinkWeight> links = new ArrayList<>();
        double bound = 0;
        for (int j = 0; j < co.nodeCount; j++) {
            for (int k = 0; k < co.classCount; k++) {
                String node = scenario.nodes().get(j).id();
                String cls = scenario.classes().get(k).id();
                double u = balanceWeight(j, k);
                double v = capacityWeight(j, k);
                if (Math.abs(u) > WEIGHT_TOLERANCE) {
                    balance.add(new NodeClassWeight(node, cls, u));
                    bound += u * co.demand[j][k];
                }
                if (v > WEIGHT_TOLERANCE) {
                    capacity.add(new NodeClassWeight(node, cls, v));
                    bound -= v * co.capacity[j][k];
                }
            }
        }
        for (int a = 0; a < co.linkCount; a++) {
            double w = linkWeight(a);
            if (w > WEIGHT_TOLERANCE) {
                links.add(new LinkWeight(scenario.links().get(a).from(), scenario.links().get(a).to(), w));
                bound -= w * co.linkCapacity[a];
            }
        }
        return new FarkasCertificate(balance, capacity, links, ResultAssembler.tokens(bound));
    }

    /** Origins with demand and a positive certificate weight: together they cannot reach enough capacity. */
    private List<String> constrainedOrigins(int k) {
        List<String> origins = new ArrayList<>();
        for (int j = 0; j < co.nodeCount; j++) {
            if (co.demand[j][k] > 0 && balanceWeight(j, k) > WEIGHT_TOLERANCE) {
                origins.add(scenario.nodes().get(j).id());
            }
        }
        return origins;
    }

    private List<String> exhaustedNodes(int k) {
        List<String> nodes = new ArrayList<>();
        for (int j = 0; j < co.nodeCount; j++) {
            if (capacityWeight(j, k) > WEIGHT_TOLERANCE) {
                nodes.add(scenario.nodes().get(j).id());
            }
        }
        return nodes;
    }

    /**
     * Links with a positive weight that separate this class's short region from the rest (u_i − u_j > 0);
     * for a path class, that a path of the class's dispatch crosses.
     */
    private List<String> bottleneckLinks(int k) {
        boolean[] crossed = new boolean[co.linkCount];
        for (LpLayout.PathColumn p : layout.paths) {
            if (p.k() == k && solution.primal()[p.column()] > Tolerances.ZERO_RATE) {
                for (int a : p.arcs()) {
                    crossed[a] = true;
                }
            }
        }
        List<String> links = new ArrayList<>();
        for (int a = 0; a < co.linkCount; a++) {
            boolean separates = co.pathClass[k] ? crossed[a]
                    : balanceWeight(co.linkFrom[a], k) - balanceWeight(co.linkTo[a], k) > WEIGHT_TOLERANCE;
            if (linkWeight(a) > WEIGHT_TOLERANCE && separates) {
                links.add(scenario.links().get(a).label());
            }
        }
        return links;
    }

    /**
     * For a class with an END_TO_END limit, how far each short origin is from capacity: the least-latency
     * path over open links, whatever the limit, to a node with capacity for the class. Empty otherwise.
     */
    private List<LatencyReach> latencyReach(int k, List<UnservedDemand> shortOrigins) {
        if (!co.endToEnd || co.maxLatency[k] == Double.POSITIVE_INFINITY) {
            return List.of();
        }
        List<LatencyReach> reach = new ArrayList<>();
        for (UnservedDemand origin : shortOrigins) {
            int o = scenario.nodeIndex(origin.node());
            double[] dist = new double[co.nodeCount];
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            dist[o] = 0;
            PriorityQueue<double[]> queue = new PriorityQueue<>(
                    Comparator.comparingDouble((double[] e) -> e[0]).thenComparingDouble(e -> e[1]));
            queue.add(new double[] {0, o});
            int nearest = -1;
            while (!queue.isEmpty()) {
                double[] e = queue.poll();
                int u = (int) e[1];
                if (e[0] > dist[u]) {
                    continue;
                }
                if (co.capacity[u][k] > 0) {
                    nearest = u;
                    break;
                }
                for (int a : co.outArcs()[u]) {
                    int v = co.linkTo[a];
                    boolean open = co.linkWeight[k] == 0 || co.linkCapacity[a] > 0;
                    if (open && dist[u] + co.latency[a] < dist[v]) {
                        dist[v] = dist[u] + co.latency[a];
                        queue.add(new double[] {dist[v], v});
                    }
                }
            }
            reach.add(new LatencyReach(origin.node(),
                    nearest < 0 ? Optional.empty() : Optional.of(scenario.nodes().get(nearest).id()),
                    nearest < 0 ? Double.POSITIVE_INFINITY : dist[nearest], co.maxLatency[k]));
        }
        return reach;
    }

    /** Whether a list names every one of its candidates (and is long enough to say "all N" instead). */
    private static boolean namesAll(List<String> names, int candidates) {
        return names.size() == candidates && candidates > 3;
    }

    private static String region(List<String> origins, int withDemand) {
        if (origins.size() == 1) {
            return "origin " + origins.get(0) + " cannot";
        }
        return (namesAll(origins, withDemand) ? "all " + withDemand + " origins"
                : "origins " + String.join(", ", origins)) + " together cannot";
    }

    private static String ms(double value) {
        return new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value) + " ms";
    }

    private String message(List<ClassShortfall> shortfalls) {
        DecimalFormat rate = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        StringBuilder text = new StringBuilder("must-serve demand cannot be met:");
        for (ClassShortfall s : shortfalls) {
            text.append(" class '").append(s.classId()).append("' is short ")
                    .append(rate.format(s.shortfallTokensPerSecond())).append(" of ")
                    .append(rate.format(s.demandTokensPerSecond())).append(" tok/s: ")
                    .append(region(s.constrainedOrigins(), originsWithDemand(s.classId())))
                    .append(" reach enough capacity (left short at ");
            List<String> at = s.shortOrigins().stream()
                    .map(o -> o.node() + " " + rate.format(o.tokensPerSecond()))
                    .toList();
            text.append(String.join(", ", at)).append(")");
            if (!s.exhaustedNodes().isEmpty()) {
                text.append("; capacity exhausted at ").append(namesAll(s.exhaustedNodes(), co.nodeCount)
                        ? "all " + co.nodeCount + " nodes" : String.join(", ", s.exhaustedNodes()));
            }
            if (!s.bottleneckLinks().isEmpty()) {
                text.append("; links full: ").append(String.join(", ", s.bottleneckLinks()));
            }
            for (LatencyReach r : s.latencyReach()) {
                text.append("; origin ").append(r.origin());
                if (r.nearestSite().isEmpty()) {
                    text.append(" reaches no capacity for the class at all");
                } else if (r.latencyMs() > r.limitMs() + Coefficients.LATENCY_TOLERANCE_MS) {
                    text.append(" reaches capacity at best ").append(ms(r.latencyMs())).append(" away (")
                            .append(r.nearestSite().get()).append("), over its ").append(ms(r.limitMs()))
                            .append(" end-to-end limit");
                } else {
                    text.append(" reaches capacity ").append(ms(r.latencyMs())).append(" away (")
                            .append(r.nearestSite().get()).append("), within its ").append(ms(r.limitMs()))
                            .append(" limit, but not enough");
                }
            }
            text.append(';');
        }
        if (shortfalls.isEmpty()) {
            text.append(" the solver found the demand infeasible, but the least shortfall is within tolerance of 0");
        } else {
            text.setLength(text.length() - 1);
        }
        return text.toString();
    }
}
