package io.tokenflow.market.certify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

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
 * latency-feasible path prices at or above its origin's price, π_o ≤ g_j + μ_j + Σ(c + aη), which
 * {@link PathCertificate} checks with its own constrained shortest path
 * ({@link PathCertificate#cheapestWithinLimit}: label correcting over Pareto sets, not the engine's label
 * setting), and every path that carries tokens prices at exactly π_o; the Farkas condition becomes
 * u_o ≤ v_j + a Σ w along every such path. A link of capacity 0 carries nothing of a class that moves data
 * over it, so no path of that class crosses it.
 * Returns the violations found, empty when the result is certified.
 * <p>
 * The parts share one reading of the scenario ({@link ScenarioTerms}) and one list of violations:
 * {@link Dispatch} checks primal feasibility, {@link PathCertificate} the END_TO_END path conditions,
 * {@link FarkasCertificate} an INFEASIBLE result; this class checks the rest of an OPTIMAL one.
 */
public final class CertificateChecker extends ScenarioTerms {
    private final PathCertificate paths;

    private CertificateChecker(JsonNode scenario) {
        super(scenario, new Violations());
        paths = new PathCertificate(this);
    }

    /** Certifies {@code result} (clearing-result JSON) against {@code scenario} (scenario JSON). */
    public static List<String> check(JsonNode scenario, JsonNode result) {
        CertificateChecker checker = new CertificateChecker(scenario);
        String status = result.get("status").asText();
        if (status.equals("OPTIMAL")) {
            checker.checkOptimal(result);
        } else if (status.equals("INFEASIBLE")) {
            new FarkasCertificate(checker, checker.paths).check(result);
        } else {
            checker.violations.list().add("unknown status " + status);
        }
        return checker.violations.list();
    }

    private void checkOptimal(JsonNode result) {
        Dispatch dispatch = new Dispatch(this, result);
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
        paths.checkPathPricing(pi, mu, eta);
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
        paths.checkPathSlackness(dp, pi, mu, eta, active);
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
            return paths.reachesCapacity(origin, k);
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
}
