package io.tokenflow.market.certify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Dispatch of the result, in LP units, and its primal feasibility: balance, capacity, bandwidth, latency,
 * must-serve, and (END_TO_END) path flows that add up and stay within their class's limit.
 */
final class Dispatch extends ScenarioTerms {
    final double[][] x = new double[n][kc];
    final double[][] y = new double[n][kc];
    final double[][] f = new double[m][kc];
    /** The result's pathFlows: origin, class, arcs, tokens (M tok/s), reported latency; null when absent. */
    final List<PathFlowEntry> paths;

    Dispatch(ScenarioTerms terms, JsonNode result) {
        super(terms);
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

    record PathFlowEntry(int origin, int k, int[] arcs, double tokens, double latencyMs, String text) {}
}
