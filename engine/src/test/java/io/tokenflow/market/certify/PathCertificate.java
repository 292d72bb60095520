package io.tokenflow.market.certify;

import io.tokenflow.market.certify.Dispatch.PathFlowEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The END_TO_END part of the certificate: a class with a limit is checked on its origin paths, not its
 * arcs, so each condition the arcs would carry is checked along paths instead. The path set is too large
 * to list, so the "every latency-feasible path" conditions go through this class's own constrained
 * shortest path ({@link #cheapestWithinLimit}: label correcting over Pareto sets, not the engine's label
 * setting, so a bug there cannot hide in both).
 */
final class PathCertificate extends ScenarioTerms {
    PathCertificate(ScenarioTerms terms) {
        super(terms);
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

    /** END_TO_END: every latency-feasible path of a class with a limit prices at or above its origin's price. */
    void checkPathPricing(double[][] pi, double[][] mu, double[] eta) {
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

    /** A path that carries tokens prices at exactly its origin's price: π_o = g_j + μ_j + Σ(c + aη). */
    void checkPathSlackness(Dispatch dp, double[][] pi, double[][] mu, double[] eta, double active) {
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

    /** Capacity for class k lies at the end of a path from {@code origin} within the class's limit. */
    boolean reachesCapacity(int origin, int k) {
        double[] endCost = new double[n];
        for (int j = 0; j < n; j++) {
            endCost[j] = cap[j][k] > 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return cheapestWithinLimit(origin, k, new double[m], endCost) == 0;
    }

    /** Farkas along paths: u_o ≤ v_j + a Σ w on every path within the limit. */
    void checkPathFarkas(double[][] u, double[][] v, double[] w) {
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
    }
}
