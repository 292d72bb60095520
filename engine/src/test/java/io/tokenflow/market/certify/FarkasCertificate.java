package io.tokenflow.market.certify;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The INFEASIBLE part of the certificate: the Farkas weights prove that no dispatch serves all must-serve
 * demand, and their bound is a lower bound on any dispatch's must-serve shortfall, so a reported shortfall
 * equal to it is proven least.
 */
final class FarkasCertificate extends ScenarioTerms {
    private final PathCertificate paths;

    FarkasCertificate(ScenarioTerms terms, PathCertificate paths) {
        super(terms);
        this.paths = paths;
    }

    void check(JsonNode result) {
        JsonNode diagnosis = result.get("diagnosis");
        if (diagnosis == null || diagnosis.isNull()) {
            fail("INFEASIBLE without a diagnosis");
            return;
        }
        Dispatch dispatch = new Dispatch(this, result);
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
        paths.checkPathFarkas(u, v, w);
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
