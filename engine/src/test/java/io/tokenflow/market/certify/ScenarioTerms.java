package io.tokenflow.market.certify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The scenario's LP coefficients, rebuilt from its JSON by docs/formats.md with no engine class, and the
 * violations found so far. Every part of the certificate extends this, sharing one reading of the
 * scenario (arrays and violations by reference), so each check reads the same terms by the same names.
 */
abstract class ScenarioTerms {
    final Violations violations;

    // scenario, in LP units: rates in M tokens/s, money in $/s
    final int n;
    final int m;
    final int kc;
    final String[] nodeIds;
    final String[] classIds;
    final Map<String, Integer> nodeIdx;
    final Map<String, Integer> classIdx;
    final double[][] g;
    final double[][] cap;
    final double[][] d;
    final double[] rho;
    final double[] gb;
    final boolean transferAware;
    final int[] from;
    final int[] to;
    final Map<String, Integer> arcIdx;
    final double[][] c;
    final double[] route;
    final boolean[][] usable;
    final double[] weight;
    final double[] linkCap;
    final double[] latencyOf;
    final double[] maxLatency;
    /** END_TO_END and the class has a limit: checked on origin paths. */
    final boolean[] pathClass;
    final boolean endToEnd;

    ScenarioTerms(JsonNode scenario, Violations violations) {
        this.violations = violations;
        nodeIdx = new HashMap<>();
        classIdx = new HashMap<>();
        arcIdx = new HashMap<>();
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

    /** Another part of the same check: by reference, so no part re-reads the JSON and all count against one cap. */
    ScenarioTerms(ScenarioTerms shared) {
        violations = shared.violations;
        n = shared.n;
        m = shared.m;
        kc = shared.kc;
        nodeIds = shared.nodeIds;
        classIds = shared.classIds;
        nodeIdx = shared.nodeIdx;
        classIdx = shared.classIdx;
        g = shared.g;
        cap = shared.cap;
        d = shared.d;
        rho = shared.rho;
        gb = shared.gb;
        transferAware = shared.transferAware;
        from = shared.from;
        to = shared.to;
        arcIdx = shared.arcIdx;
        c = shared.c;
        route = shared.route;
        usable = shared.usable;
        weight = shared.weight;
        linkCap = shared.linkCap;
        latencyOf = shared.latencyOf;
        maxLatency = shared.maxLatency;
        pathClass = shared.pathClass;
        endToEnd = shared.endToEnd;
    }

    static boolean close(double a, double b, double scale) {
        return Violations.close(a, b, scale);
    }

    void fail(String format, Object... args) {
        violations.fail(format, args);
    }

    void expectClose(String what, double actual, double expected) {
        violations.expectClose(what, actual, expected);
    }

    int node(JsonNode o) {
        return nodeIdx.get(o.get("node").asText());
    }

    int cls(JsonNode o) {
        return classIdx.get(o.get("class").asText());
    }

    /** A link of capacity 0 carries nothing of a class that moves data over it. */
    boolean carries(int a, int k) {
        return usable[a][k] && (weight[k] == 0 || linkCap[a] > 0);
    }

    boolean withinLimit(double latency, int k) {
        return latency <= maxLatency[k] + 1e-9;
    }
}
