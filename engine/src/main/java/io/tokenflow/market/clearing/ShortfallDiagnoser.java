package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.Diagnosis;
import io.tokenflow.market.solution.FarkasCertificate;
import io.tokenflow.market.solution.FarkasCertificate.LinkWeight;
import io.tokenflow.market.solution.FarkasCertificate.NodeClassWeight;
import io.tokenflow.market.solution.UnservedDemand;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /** Result of phase 1: the dispatch serving the most, and what it proves. */
    record Outcome(Diagnosis diagnosis, ResultAssembler dispatch) {}

    static Outcome diagnose(Scenario scenario, Coefficients co, SolverKind kind, Duration timeLimit) {
        TokenFlowFormulation.Formulated phase1 =
                TokenFlowFormulation.formulate(scenario, co, TokenFlowFormulation.Goal.LEAST_SHORTFALL);
        LpSolution solution;
        try (OrToolsLpSolver solver = new OrToolsLpSolver(phase1.lp(), kind)) {
            if (timeLimit != null) {
                solver.setTimeLimitMillis(timeLimit.toMillis());
            }
            solution = solver.solve();
        }
        if (solution.status() != LpSolution.LpStatus.OPTIMAL) {
            // phase 1 is always feasible (y absorbs any demand) and bounded below by 0
            throw new ClearingFailedException("least-shortfall LP ended " + solution.status());
        }
        ShortfallDiagnoser diagnoser = new ShortfallDiagnoser(scenario, co, phase1.layout(), solution);
        return new Outcome(diagnoser.diagnosis(), new ResultAssembler(scenario, co, phase1.layout(), solution));
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
                    bottleneckLinks(k)));
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

    private double balanceWeight(int j, int k) {
        return solution.rowDuals()[layout.balance[j][k]];
    }

    /** v_j,k = u_j,k where x sits at capacity (minus its reduced cost), else 0. */
    private double capacityWeight(int j, int k) {
        double x = solution.primal()[layout.processing[j][k]];
        boolean atCapacity = x >= co.capacity[j][k] - 1e-9 * Math.max(1.0, co.capacity[j][k]);
        return atCapacity ? Math.max(0, balanceWeight(j, k)) : 0;
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

    /** Links with a positive weight that separate this class's short region from the rest (u_i − u_j > 0). */
    private List<String> bottleneckLinks(int k) {
        List<String> links = new ArrayList<>();
        for (int a = 0; a < co.linkCount; a++) {
            boolean separates = balanceWeight(co.linkFrom[a], k) - balanceWeight(co.linkTo[a], k) > WEIGHT_TOLERANCE;
            if (linkWeight(a) > WEIGHT_TOLERANCE && separates) {
                links.add(scenario.links().get(a).label());
            }
        }
        return links;
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
