package io.tokenflow.market.certify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent check of a published clearing: reads the scenario and the result as raw JSON (no
 * engine class is used), rebuilds every LP coefficient from docs/formats.md, and verifies what LP
 * duality guarantees of a correct answer:
 * <ul>
 *   <li>primal feasibility (balance, capacity, bandwidth, latency, must-serve);</li>
 *   <li>dual feasibility (π ≤ g + μ, π_i − π_j ≤ c + aη on usable arcs, π ≤ ρ, μ, η ≥ 0);</li>
 *   <li>complementary slackness, both ways;</li>
 *   <li>strong duality: the reported cost equals both the primal cost rebuilt from the dispatch and
 *       3600·(Σπd − ΣμC) − 3600·ΣηW';</li>
 *   <li>the eq. 9 path identity of every price: the path is made of usable arcs and
 *       price = g_s + μ_s + Σ(c + aη) (+ ρ where the marginal unit goes unserved);</li>
 *   <li>the settlement identities;</li>
 *   <li>for INFEASIBLE: the Farkas certificate (proves no dispatch serves all must-serve demand) and
 *       that the reported shortfall equals its bound (proves the shortfall is least).</li>
 * </ul>
 * Under END_TO_END (the scenario's {@code latencyScope}, default), a class with a limit is checked on its
 * origin paths instead of its arcs: the result's {@code pathFlows} add up (per origin to the served
 * demand, per node to the processing, per link to the flow) and every path is within the limit; every
 * latency-feasible path prices at or above its origin's price, π_o ≤ g_j + μ_j + Σ(c + aη), which this
 * class checks with its own constrained shortest path ({@link #cheapestWithinLimit}: label correcting
 * over Pareto sets, not the engine's label setting), and every path that carries tokens prices at
 * exactly π_o; the Farkas condition becomes u_o ≤ v_j + a Σ w along every such path. A link of capacity 0
 * carries nothing of a class that moves data over it, so no path of that class crosses it.
 * Returns the violations found, empty when the result is certified.
 */
public final class CertificateChecker {
    private final List<String> violations = new ArrayList<>();

    // scenario, in LP units: rates in M tokens/s, money in $/s
    private final int n;
    private final int m;
    private final int kc;
    private final String[] nodeIds;
    private final String[] classIds;
    private final Map<String, Integer> nodeIdx = new HashMap<>();
    private final Map<String, Integer> classIdx = new HashMap<>();
    private final double[][] g;
    private final double[][] cap;
    private final double[][] d;
    private final double[] rho;
    private final double[] gb;
    private final boolean transferAware;
    private final int[] from;
    private final int[] to;
    private final Map<String, Integer> arcIdx = new HashMap<>();
    private final double[][] c;
    private final double[] route;
    private final boolean[][] usable;
    private final double[] weight;
    private final double[] linkCap;
    private final double[] latencyOf;
    private final double[] maxLatency;
    /** END_TO_END and the class has a limit: checked on origin paths. */
    private final boolean[] pathClass;
    private final boolean endToEnd;
    private final Map<String, Integer> linkByLabel = new HashMap<>();

    private CertificateChecker(JsonNode scenario) {
        JsonNode classes = scenario.get("classes");
        JsonNode nodes = scenario.get("nodes");
        JsonNode links = scenario.path("links");
        kc = classes.size();
        n = nodes.size();
        m = links.size();
        transferAware = "TRANSFER_AWARE".equals(scenario.path("bandwidthModel").asText("TOKEN_EQUIVALENT"));
        endToEnd = !"PER_LINK".equals(scenario.path("latencyScope").asText("END_TO_END"));
        classIds = new String[kc];
        rho = new double[kc];
        gb = new double[kc];
        weight = new double[kc];
        double[] kwh = new double[kc];
        double[] classOpex = new double[kc];
        maxLatency = new double[kc];
        pathClass = new boolean[kc];
        double lightest = Double.POSITIVE_INFINITY;
        for (int k = 0; k < kc; k++) {
            JsonNode cl = classes.get(k);
            classIds[k] = cl.get("id").asText();
            classIdx.put(classIds[k], k);
            gb[k] = cl.get("gbPerMTokens").asDouble();
            kwh[k] = cl.get("kwhPerMTokens").asDouble();
            classOpex[k] = cl.path("opexPerMTokens").asDouble(0);
            maxLatency[k] = cl.has("maxLatencyMs") ? cl.get("maxLatencyMs").asDouble() : Double.POSITIVE_INFINITY;
            pathClass[k] = endToEnd && cl.has("maxLatencyMs");
            rho[k] = cl.has("unservedPenaltyPerMTokens") ? cl.get("unservedPenaltyPerMTokens").asDouble() : Double.NaN;
            weight[k] = transferAware ? gb[k] : 1.0;
            lightest = Math.min(lightest, gb[k]);
        }
        nodeIds = new String[n];
        g = new double[n][kc];
        cap = new double[n][kc];
        d = new double[n][kc];
        for (int j = 0; j < n; j++) {
            JsonNode nd = nodes.get(j);
            nodeIds[j] = nd.get("id").asText();
            nodeIdx.put(nodeIds[j], j);
            double price = nd.get("electricityPricePerKwh").asDouble();
            double opex = nd.path("opexPerMTokens").asDouble(0);
            for (int k = 0; k < kc; k++) {
                g[j][k] = price * kwh[k] + opex + classOpex[k];
                cap[j][k] = nd.path("capacityTokensPerSecond").path(classIds[k]).asDouble(0) / 1e6;
            }
        }
        for (JsonNode dm : scenario.path("demand")) {
            d[nodeIdx.get(dm.get("origin").asText())][classIdx.get(dm.get("class").asText())] =
                    dm.get("tokensPerSecond").asDouble() / 1e6;
        }
        from = new int[m];
        to = new int[m];
        c = new double[m][kc];
        route = new double[m];
        usable = new boolean[m][kc];
        linkCap = new double[m];
        latencyOf = new double[m];
        for (int a = 0; a < m; a++) {
            JsonNode l = links.get(a);
            from[a] = nodeIdx.get(l.get("from").asText());
            to[a] = nodeIdx.get(l.get("to").asText());
            arcIdx.put(nodeIds[from[a]] + ">" + nodeIds[to[a]], a);
            double w = l.get("capacityGbps").asDouble() / 8;
            linkCap[a] = transferAware ? w : (lightest == 0 ? Double.POSITIVE_INFINITY : w / lightest);
            route[a] = l.path("routeCostPerMTokens").asDouble(0);
            double latency = l.path("latencyMs").asDouble(0);
            latencyOf[a] = latency;
            for (int k = 0; k < kc; k++) {
                c[a][k] = route[a] + l.path("tariffPerGb").asDouble(0) * gb[k];
                usable[a][k] = latency <= maxLatency[k];
            }
        }
    }

    /** Certifies {@code result} (clearing-result JSON) against {@code scenario} (scenario JSON). */
    public static List<String> check(JsonNode scenario, JsonNode result) {
        CertificateChecker checker = new CertificateChecker(scenario);
        String status = result.get("status").asText();
        if (status.equals("OPTIMAL")) {
            checker.checkOptimal(result);
        } else if (status.equals("INFEASIBLE")) {
            checker.checkInfeasible(result);
        } else {
            checker.violations.add("unknown status " + status);
        }
        return checker.violations;
    }

    private static boolean close(double a, double b, double scale) {
        return Math.abs(a - b) <= 1e-6 * Math.max(1.0, Math.max(Math.abs(scale), Math.max(Math.abs(a), Math.abs(b))));
    }

    private void fail(String format, Object... args) {
        if (violations.size() < 50) {
            violations.add(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /** Dispatch of the result, in LP units. */
    private final class Dispatch {
        final double[][] x = new double[n][kc];
        final double[][] y = new double[n][kc];
        final double[][] f = new double[m][kc];
        /** The result's pathFlows: origin, class, arcs, tokens (M tok/s), reported latency; null when absent. */
        final List<PathFlowEntry> paths;

        Dispatch(JsonNode result) {
            for (JsonNode p : result.get("processing")) {
                x[node(p)][cls(p)] = p.get("tokensPerSecond").asDouble() / 1e6;
            }
            for (JsonNode u : result.get("unserved")) {
                y[node(u)][cls(u)] = u.get("tokensPerSecond").asDouble() / 1e6;
            }
            for (JsonNode fl : result.get("flows")) {
                Integer a = arcIdx.get(fl.get("from").asText() + ">" + fl.get("to").asText());
                if (a == null) {
                    fail("flow on a link the scenario does not have: %s", fl);
                    continue;
                }
                f[a][cls(fl)] += fl.get("tokensPerSecond").asDouble() / 1e6;
            }
            JsonNode pathFlows = result.get("pathFlows");
            if (pathFlows == null || pathFlows.isNull()) {
                paths = null;
                if (endToEnd) {
                    fail("END_TO_END result without pathFlows");
                }
                return;
            }
            paths = new ArrayList<>();
            for (JsonNode pf : pathFlows) {
                int o = nodeIdx.getOrDefault(pf.path("origin").asText(), -1);
                Integer k = classIdx.get(pf.path("class").asText());
                JsonNode path = pf.get("path");
                if (o < 0 || k == null || path == null || path.size() == 0 || !path.get(0).asText().equals(nodeIds[o])) {
                    fail("path flow with a bad origin, class or path: %s", pf);
                    continue;
                }
                int[] arcs = new int[path.size() - 1];
                boolean ok = true;
                for (int i = 0; i + 1 < path.size(); i++) {
                    Integer a = arcIdx.get(path.get(i).asText() + ">" + path.get(i + 1).asText());
                    if (a == null) {
                        fail("path flow %s: %s->%s is not a link", pf.get("path"), path.get(i).asText(),
                                path.get(i + 1).asText());
                        ok = false;
                        break;
                    }
                    arcs[i] = a;
                }
                if (ok) {
                    paths.add(new PathFlowEntry(o, k, arcs, pf.get("tokensPerSecond").asDouble() / 1e6,
                            pf.path("latencyMs").asDouble(Double.NaN), pf.get("path").toString()));
                }
            }
        }

        /**
         * The path flows add up and every one is a path the class may use, within its limit under END_TO_END.
         * For a least-shortfall dispatch ({@code relaxed}) only the classes it lists paths of are summed.
         */
        void checkPathFlows(boolean relaxed) {
            if (paths == null) {
                return;
            }
            boolean[] listed = new boolean[kc];
            for (PathFlowEntry p : paths) {
                listed[p.k()] = true;
            }
            double[][] fromOrigin = new double[n][kc];
            double[][] arriving = new double[n][kc];
            double[][] through = new double[m][kc];
            for (PathFlowEntry p : paths) {
                String where = classIds[p.k()] + " path " + p.text();
                if (!(p.tokens() > 0)) {
                    fail("%s carries %g tokens", where, p.tokens());
                }
                double latency = 0;
                int end = p.origin();
                for (int a : p.arcs()) {
                    if (from[a] != end) {
                        fail("%s is not a path", where);
                    }
                    if (!usable[a][p.k()]) {
                        fail("%s crosses %s->%s, a link over the class's limit", where, nodeIds[from[a]],
                                nodeIds[to[a]]);
                    }
                    if (pathClass[p.k()] && !carries(a, p.k())) {
                        fail("%s crosses %s->%s, a link closed to 0", where, nodeIds[from[a]], nodeIds[to[a]]);
                    }
                    latency += latencyOf[a];
                    through[a][p.k()] += p.tokens();
                    end = to[a];
                }
                if (!close(latency, p.latencyMs(), latency)) {
                    fail("%s reports latency %g ms, its links add up to %g", where, p.latencyMs(), latency);
                }
                if (pathClass[p.k()] && !withinLimit(latency, p.k())) {
                    fail("%s takes %g ms, over the class's END_TO_END limit of %g ms", where, latency,
                            maxLatency[p.k()]);
                }
                fromOrigin[p.origin()][p.k()] += p.tokens();
                arriving[end][p.k()] += p.tokens();
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < kc; k++) {
                    if (relaxed && !listed[k]) {
                        continue;
                    }
                    double served = d[j][k] - y[j][k];
                    if (Math.abs(fromOrigin[j][k] - served) > 1e-6 * Math.max(1, served)) {
                        fail("path flows from %s %s add up to %g M tok/s, served demand is %g", nodeIds[j], classIds[k],
                                fromOrigin[j][k], served);
                    }
                    if (Math.abs(arriving[j][k] - x[j][k]) > 1e-6 * Math.max(1, x[j][k])) {
                        fail("path flows into %s %s add up to %g M tok/s, processing is %g", nodeIds[j], classIds[k],
                                arriving[j][k], x[j][k]);
                    }
                }
            }
            for (int a = 0; a < m; a++) {
                for (int k = 0; k < kc; k++) {
                    if (relaxed && !listed[k]) {
                        continue;
                    }
                    if (Math.abs(through[a][k] - f[a][k]) > 1e-6 * Math.max(1, f[a][k])) {
                        fail("path flows over %s->%s %s add up to %g M tok/s, the link's flow is %g", nodeIds[from[a]],
                                nodeIds[to[a]], classIds[k], through[a][k], f[a][k]);
                    }
                }
            }
        }

        double load(int a) {
            double load = 0;
            for (int k = 0; k < kc; k++) {
                load += weight[k] * f[a][k];
            }
            return load;
        }

        /** Balance, capacity, bandwidth and latency; {@code relaxed} lets any class go unserved. */
        void checkFeasible(boolean relaxed) {
            double[][] net = new double[n][kc];
            for (int a = 0; a < m; a++) {
                for (int k = 0; k < kc; k++) {
                    if (f[a][k] < -1e-9) {
                        fail("negative flow %s->%s %s: %g", nodeIds[from[a]], nodeIds[to[a]], classIds[k], f[a][k]);
                    }
                    if (f[a][k] > 1e-9 && (!usable[a][k] || pathClass[k] && !carries(a, k))) {
                        fail("class %s routed over %s->%s beyond its latency limit", classIds[k], nodeIds[from[a]],
                                nodeIds[to[a]]);
                    }
                    net[from[a]][k] += f[a][k];
                    net[to[a]][k] -= f[a][k];
                }
                if (load(a) > linkCap[a] + 1e-6 * Math.max(1, linkCap[a])) {
                    fail("link %s->%s over capacity: %g > %g", nodeIds[from[a]], nodeIds[to[a]], load(a), linkCap[a]);
                }
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < kc; k++) {
                    if (x[j][k] < -1e-9 || x[j][k] > cap[j][k] + 1e-6 * Math.max(1, cap[j][k])) {
                        fail("processing %s %s = %g outside [0, %g]", nodeIds[j], classIds[k], x[j][k], cap[j][k]);
                    }
                    if (y[j][k] < -1e-9 || (!relaxed && Double.isNaN(rho[k]) && y[j][k] > 1e-9)) {
                        fail("unserved %s %s = %g not allowed", nodeIds[j], classIds[k], y[j][k]);
                    }
                    double residual = net[j][k] + x[j][k] + y[j][k] - d[j][k];
                    if (Math.abs(residual) > 1e-6 * Math.max(1, d[j][k])) {
                        fail("balance %s %s off by %g M tok/s", nodeIds[j], classIds[k], residual);
                    }
                }
            }
            checkPathFlows(relaxed);
        }
    }

    private int node(JsonNode o) {
        return nodeIdx.get(o.get("node").asText());
    }

    private int cls(JsonNode o) {
        return classIdx.get(o.get("class").asText());
    }

    private record PathFlowEntry(int origin, int k, int[] arcs, double tokens, double latencyMs, String text) {}

    private boolean carries(int a, int k) {
        return usable[a][k] && (weight[k] == 0 || linkCap[a] > 0);
    }

    private boolean withinLimit(double latency, int k) {
        return latency <= maxLatency[k] + 1e-9;
    }

    /**
     * The checker's own constrained shortest path: min over every path from {@code origin} over links class
     * k can carry with Σ latency within its limit, ending at any node j (the origin itself included), of
     * Σ arcCost + endCost[j]. Label correcting: every node keeps the labels (cost, latency) no other label
     * there dominates; a label that improves a node's set is queued (first in, first out) and extended
     * over every link until no set changes. Arc costs and latencies are ≥ 0, so no cycle helps and this
     * ends with every non-dominated path found.
     */
    double cheapestWithinLimit(int origin, int k, double[] arcCost, double[] endCost) {
        List<List<double[]>> front = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            front.add(new ArrayList<>());
        }
        java.util.ArrayDeque<double[]> queue = new java.util.ArrayDeque<>(); // {node, cost, latency, alive}
        double[] start = {origin, 0, 0, 1};
        front.get(origin).add(start);
        queue.add(start);
        while (!queue.isEmpty()) {
            double[] label = queue.poll();
            if (label[3] == 0) {
                continue; // dominated since it was queued
            }
            int u = (int) label[0];
            for (int a = 0; a < m; a++) {
                if (from[a] != u || !carries(a, k)) {
                    continue;
                }
                double cost = label[1] + arcCost[a];
                double latency = label[2] + latencyOf[a];
                if (!withinLimit(latency, k)) {
                    continue;
                }
                List<double[]> at = front.get(to[a]);
                boolean dominated = false;
                for (double[] other : at) {
                    if (other[1] <= cost && other[2] <= latency) {
                        dominated = true;
                        break;
                    }
                }
                if (dominated) {
                    continue;
                }
                at.removeIf(other -> {
                    boolean worse = cost <= other[1] && latency <= other[2];
                    if (worse) {
                        other[3] = 0;
                    }
                    return worse;
                });
                double[] next = {to[a], cost, latency, 1};
                at.add(next);
                queue.add(next);
            }
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            for (double[] label : front.get(j)) {
                best = Math.min(best, label[1] + endCost[j]);
            }
        }
        return best;
    }

    private void checkOptimal(JsonNode result) {
        Dispatch dispatch = new Dispatch(result);
        dispatch.checkFeasible(false);
        double[][] pi = new double[n][kc];
        double[][] mu = new double[n][kc];
        double[] eta = new double[m];
        int priceCount = 0;
        for (JsonNode p : result.get("prices")) {
            pi[node(p)][cls(p)] = p.get("price").asDouble();
            priceCount++;
        }
        if (priceCount != n * kc) {
            fail("expected %d prices (every node x class), got %d", n * kc, priceCount);
        }
        for (JsonNode p : result.get("processing")) {
            mu[node(p)][cls(p)] = p.get("scarcityRent").asDouble();
        }
        for (JsonNode l : result.get("links")) {
            eta[arcIdx.get(l.get("from").asText() + ">" + l.get("to").asText())] = l.get("congestionRent").asDouble();
        }
        checkDualFeasibility(pi, mu, eta);
        checkPathPricing(pi, mu, eta);
        checkComplementarySlackness(dispatch, pi, mu, eta);
        checkStrongDuality(result, dispatch, pi, mu, eta);
        checkPaths(result, pi, mu, eta);
        checkSettlement(result, dispatch, pi, mu, eta);
    }

    private void checkDualFeasibility(double[][] pi, double[][] mu, double[] eta) {
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                if (mu[j][k] < 0) {
                    fail("negative scarcity rent at %s %s: %g", nodeIds[j], classIds[k], mu[j][k]);
                }
                if (pi[j][k] > g[j][k] + mu[j][k] && !close(pi[j][k], g[j][k] + mu[j][k], pi[j][k])) {
                    fail("pi > g + mu at %s %s: %g > %g", nodeIds[j], classIds[k], pi[j][k], g[j][k] + mu[j][k]);
                }
                if (!Double.isNaN(rho[k]) && pi[j][k] > rho[k] && !close(pi[j][k], rho[k], rho[k])) {
                    fail("pi > penalty at %s %s: %g > %g", nodeIds[j], classIds[k], pi[j][k], rho[k]);
                }
            }
        }
        for (int a = 0; a < m; a++) {
            if (eta[a] < 0) {
                fail("negative congestion rent on %s->%s", nodeIds[from[a]], nodeIds[to[a]]);
            }
            for (int k = 0; k < kc; k++) {
                double lhs = pi[from[a]][k] - pi[to[a]][k];
                double rhs = c[a][k] + weight[k] * eta[a];
                if (!pathClass[k] && usable[a][k] && lhs > rhs && !close(lhs, rhs, pi[from[a]][k])) {
                    fail("arc %s->%s %s: pi_i - pi_j = %g > c + a*eta = %g", nodeIds[from[a]], nodeIds[to[a]],
                            classIds[k], lhs, rhs);
                }
            }
        }
    }

    /** END_TO_END: every latency-feasible path of a class with a limit prices at or above its origin's price. */
    private void checkPathPricing(double[][] pi, double[][] mu, double[] eta) {
        for (int k = 0; k < kc; k++) {
            if (!pathClass[k]) {
                continue;
            }
            double[] arcCost = new double[m];
            for (int a = 0; a < m; a++) {
                arcCost[a] = c[a][k] + weight[k] * eta[a];
            }
            double[] endCost = new double[n];
            for (int j = 0; j < n; j++) {
                endCost[j] = g[j][k] + mu[j][k];
            }
            for (int o = 0; o < n; o++) {
                double cheapest = cheapestWithinLimit(o, k, arcCost, endCost);
                if (pi[o][k] > cheapest && !close(pi[o][k], cheapest, pi[o][k])) {
                    fail("%s %s: a path within %g ms delivers at %g, below the price %g", nodeIds[o], classIds[k],
                            maxLatency[k], cheapest, pi[o][k]);
                }
            }
        }
    }

    private void checkComplementarySlackness(Dispatch dp, double[][] pi, double[][] mu, double[] eta) {
        double active = 1e-6;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                if (!pathClass[k] && dp.x[j][k] > active && !close(pi[j][k], g[j][k] + mu[j][k], pi[j][k])) {
                    fail("CS: %s %s processes %g but pi %g != g + mu %g", nodeIds[j], classIds[k], dp.x[j][k],
                            pi[j][k], g[j][k] + mu[j][k]);
                }
                if (mu[j][k] > 1e-7 && dp.x[j][k] < cap[j][k] - 1e-6 * Math.max(1, cap[j][k])) {
                    fail("CS: %s %s has rent %g but spare capacity (%g of %g)", nodeIds[j], classIds[k], mu[j][k],
                            dp.x[j][k], cap[j][k]);
                }
                if (dp.y[j][k] > active && !close(pi[j][k], rho[k], pi[j][k])) {
                    fail("CS: %s %s leaves %g unserved but pi %g != penalty %g", nodeIds[j], classIds[k], dp.y[j][k],
                            pi[j][k], rho[k]);
                }
            }
        }
        for (int a = 0; a < m; a++) {
            for (int k = 0; k < kc; k++) {
                if (!pathClass[k] && dp.f[a][k] > active) {
                    double lhs = pi[from[a]][k] - pi[to[a]][k];
                    double rhs = c[a][k] + weight[k] * eta[a];
                    if (!close(lhs, rhs, pi[from[a]][k])) {
                        fail("CS: flow %g on %s->%s %s but pi_i - pi_j = %g != c + a*eta = %g", dp.f[a][k],
                                nodeIds[from[a]], nodeIds[to[a]], classIds[k], lhs, rhs);
                    }
                }
            }
            if (eta[a] > 1e-7 && dp.load(a) < linkCap[a] - 1e-6 * Math.max(1, linkCap[a])) {
                fail("CS: %s->%s has rent %g but spare capacity (%g of %g)", nodeIds[from[a]], nodeIds[to[a]], eta[a],
                        dp.load(a), linkCap[a]);
            }
        }
        for (PathFlowEntry p : dp.paths == null ? List.<PathFlowEntry>of() : dp.paths) {
            if (!pathClass[p.k()] || p.tokens() <= active) {
                continue;
            }
            int k = p.k();
            double delivered = 0;
            int end = p.origin();
            for (int a : p.arcs()) {
                delivered += c[a][k] + weight[k] * eta[a];
                end = to[a];
            }
            delivered += g[end][k] + mu[end][k];
            if (!close(pi[p.origin()][k], delivered, pi[p.origin()][k])) {
                fail("CS: %s %s carries %g on %s at %g, not at its price %g", nodeIds[p.origin()], classIds[k], p.tokens(),
                        p.text(), delivered, pi[p.origin()][k]);
            }
        }
    }

    private void checkStrongDuality(JsonNode result, Dispatch dp, double[][] pi, double[][] mu, double[] eta) {
        double primal = 0;
        double dual = 0;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                primal += g[j][k] * dp.x[j][k] + (Double.isNaN(rho[k]) ? 0 : rho[k] * dp.y[j][k]);
                dual += pi[j][k] * d[j][k] - mu[j][k] * cap[j][k];
            }
        }
        for (int a = 0; a < m; a++) {
            for (int k = 0; k < kc; k++) {
                primal += c[a][k] * dp.f[a][k];
            }
            if (eta[a] > 0) {
                dual -= eta[a] * linkCap[a];
            }
        }
        primal *= 3600;
        dual *= 3600;
        double reported = result.get("objectivePerHour").asDouble();
        if (!close(primal, reported, reported)) {
            fail("primal cost of the dispatch %f != reported objective %f", primal, reported);
        }
        if (!close(dual, reported, reported)) {
            fail("strong duality: dual objective %f != reported objective %f", dual, reported);
        }
    }

    private void checkPaths(JsonNode result, double[][] pi, double[][] mu, double[] eta) {
        for (JsonNode p : result.get("prices")) {
            int j = node(p);
            int k = cls(p);
            JsonNode path = p.get("path");
            String where = nodeIds[j] + " " + classIds[k];
            if (path == null || path.size() == 0 || !path.get(0).asText().equals(nodeIds[j])) {
                fail("price %s: path must start at its node, got %s", where, path);
                continue;
            }
            double routing = 0;
            double congestion = 0;
            double latency = 0;
            for (int i = 0; i + 1 < path.size(); i++) {
                Integer a = arcIdx.get(path.get(i).asText() + ">" + path.get(i + 1).asText());
                if (a == null || !usable[a][k]) {
                    fail("price %s: path step %s->%s is not a link class %s may use", where, path.get(i).asText(),
                            path.get(i + 1).asText(), classIds[k]);
                    continue;
                }
                routing += c[a][k];
                congestion += weight[k] * eta[a];
                latency += latencyOf[a];
            }
            if (pathClass[k] && !withinLimit(latency, k)) {
                fail("price %s: path %s takes %g ms, over the END_TO_END limit of %g ms", where, path, latency,
                        maxLatency[k]);
            }
            double price = p.get("price").asDouble();
            JsonNode serving = p.get("servingNode");
            double penalty = p.path("unservedPenalty").asDouble(0);
            double expected;
            if (serving != null && !serving.isNull()) {
                int s = nodeIdx.get(serving.asText());
                if (!path.get(path.size() - 1).asText().equals(serving.asText())) {
                    fail("price %s: path %s does not end at serving node %s", where, path, serving.asText());
                }
                if (cap[s][k] <= 0) {
                    fail("price %s: serving node %s has no capacity for the class", where, serving.asText());
                }
                expectClose(where + " energy", p.get("energy").asDouble(), g[s][k]);
                expectClose(where + " scarcity", p.get("scarcity").asDouble(), mu[s][k]);
                expected = g[s][k] + mu[s][k] + routing + congestion;
            } else if (penalty > 0) {
                expectClose(where + " penalty", penalty, rho[k]);
                expected = rho[k] + routing + congestion;
            } else {
                if (canReachCapacity(j, k)) {
                    fail("price %s: no serving node reported, but capacity for the class is reachable", where);
                }
                continue;
            }
            expectClose(where + " routing", p.get("routing").asDouble(), routing);
            expectClose(where + " congestion", p.get("congestion").asDouble(), congestion);
            double sum = p.get("energy").asDouble() + p.get("scarcity").asDouble() + p.get("routing").asDouble()
                    + p.get("congestion").asDouble() + penalty;
            expectClose(where + " terms add up to the price", sum, price);
            expectClose(where + " eq. 9 from the scenario's own coefficients", expected, price);
        }
    }

    private boolean canReachCapacity(int origin, int k) {
        if (pathClass[k]) {
            double[] endCost = new double[n];
            for (int j = 0; j < n; j++) {
                endCost[j] = cap[j][k] > 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return cheapestWithinLimit(origin, k, new double[m], endCost) == 0;
        }
        boolean[] seen = new boolean[n];
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        queue.add(origin);
        seen[origin] = true;
        while (!queue.isEmpty()) {
            int u = queue.poll();
            if (cap[u][k] > 0) {
                return true;
            }
            for (int a = 0; a < m; a++) {
                boolean carries = usable[a][k] && (weight[k] == 0 || linkCap[a] > 0);
                if (from[a] == u && carries && !seen[to[a]]) {
                    seen[to[a]] = true;
                    queue.add(to[a]);
                }
            }
        }
        return false;
    }

    private void expectClose(String what, double actual, double expected) {
        if (!close(actual, expected, expected)) {
            fail("%s: %g, expected %g", what, actual, expected);
        }
    }

    private void checkSettlement(JsonNode result, Dispatch dp, double[][] pi, double[][] mu, double[] eta) {
        JsonNode s = result.get("settlement");
        double users = 0;
        double compute = 0;
        double network = 0;
        double routeCost = 0;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                users += pi[j][k] * (d[j][k] - dp.y[j][k]);
                compute += (g[j][k] + mu[j][k]) * dp.x[j][k];
            }
        }
        for (int a = 0; a < m; a++) {
            for (int k = 0; k < kc; k++) {
                network += (c[a][k] - route[a] + weight[k] * eta[a]) * dp.f[a][k];
                routeCost += route[a] * dp.f[a][k];
            }
        }
        double scale = Math.max(1, users * 3600);
        expectClose("settlement users", s.get("userPaymentsPerHour").asDouble(), users * 3600);
        expectClose("settlement compute", s.get("computeRevenuePerHour").asDouble(), compute * 3600);
        expectClose("settlement network", s.get("networkRevenuePerHour").asDouble(), network * 3600);
        double surplus = s.get("merchandisingSurplusPerHour").asDouble();
        if (Math.abs(surplus - routeCost * 3600) > 1e-6 * scale) {
            fail("merchandising surplus %f != route costs %f (complementary slackness)", surplus, routeCost * 3600);
        }
    }

    private void checkInfeasible(JsonNode result) {
        JsonNode diagnosis = result.get("diagnosis");
        if (diagnosis == null || diagnosis.isNull()) {
            fail("INFEASIBLE without a diagnosis");
            return;
        }
        Dispatch dispatch = new Dispatch(result);
        dispatch.checkFeasible(true);
        JsonNode cert = diagnosis.get("certificate");
        double[][] u = new double[n][kc];
        double[][] v = new double[n][kc];
        double[] w = new double[m];
        for (JsonNode e : cert.get("balanceWeights")) {
            u[node(e)][cls(e)] = e.get("weight").asDouble();
        }
        for (JsonNode e : cert.get("capacityWeights")) {
            v[node(e)][cls(e)] = e.get("weight").asDouble();
        }
        for (JsonNode e : cert.get("linkWeights")) {
            w[arcIdx.get(e.get("from").asText() + ">" + e.get("to").asText())] = e.get("weight").asDouble();
        }
        double bound = 0;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                if (v[j][k] < 0) {
                    fail("Farkas: negative capacity weight at %s %s", nodeIds[j], classIds[k]);
                }
                if (!pathClass[k] && u[j][k] > v[j][k] + 1e-7) {
                    fail("Farkas: u > v at %s %s", nodeIds[j], classIds[k]);
                }
                if (!Double.isNaN(rho[k]) && u[j][k] > 1e-7) {
                    fail("Farkas: positive weight %g on a class that may go unserved (%s)", u[j][k], classIds[k]);
                }
                bound += u[j][k] * d[j][k] - v[j][k] * cap[j][k];
            }
        }
        for (int a = 0; a < m; a++) {
            if (w[a] < 0) {
                fail("Farkas: negative link weight");
            }
            for (int k = 0; k < kc; k++) {
                if (!pathClass[k] && usable[a][k] && u[from[a]][k] - u[to[a]][k] > weight[k] * w[a] + 1e-7) {
                    fail("Farkas: arc %s->%s %s violates u_i - u_j <= a w", nodeIds[from[a]], nodeIds[to[a]],
                            classIds[k]);
                }
            }
            if (w[a] > 0) {
                bound -= w[a] * linkCap[a];
            }
        }
        for (int k = 0; k < kc; k++) {
            if (!pathClass[k]) {
                continue;
            }
            double[] arcCost = new double[m];
            for (int a = 0; a < m; a++) {
                arcCost[a] = weight[k] * w[a];
            }
            double[] endCost = new double[n];
            for (int j = 0; j < n; j++) {
                endCost[j] = v[j][k];
            }
            for (int o = 0; o < n; o++) {
                if (u[o][k] > 1e-7 && u[o][k] > cheapestWithinLimit(o, k, arcCost, endCost) + 1e-7) {
                    fail("Farkas: %s %s has weight %g above v + a w along a path within its limit", nodeIds[o],
                            classIds[k], u[o][k]);
                }
            }
        }
        if (!(bound > 1e-7)) {
            fail("Farkas bound %g is not positive: infeasibility is not proven", bound);
        }
        double shortfall = 0;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < kc; k++) {
                if (Double.isNaN(rho[k])) {
                    shortfall += dispatch.y[j][k];
                }
            }
        }
        if (!close(shortfall, bound, bound)) {
            fail("reported shortfall %g M tok/s != Farkas bound %g: the shortfall is not proven least", shortfall,
                    bound);
        }
        double diagnosed = 0;
        for (JsonNode sf : diagnosis.get("shortfalls")) {
            diagnosed += sf.get("shortfallTokensPerSecond").asDouble() / 1e6;
        }
        if (!close(diagnosed, bound, bound)) {
            fail("diagnosis shortfalls %g != bound %g", diagnosed, bound);
        }
    }
}
