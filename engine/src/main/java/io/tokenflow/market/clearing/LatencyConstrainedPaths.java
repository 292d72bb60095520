package io.tokenflow.market.clearing;

import java.util.Arrays;

/**
 * The cheapest paths of one class from one origin whose summed latency stays within the class's limit:
 * a resource-constrained shortest path, solved exactly by label setting with dominance.
 *
 * <p>A label is a path from the origin: its cost (Σ arc cost, each ≥ 0) and its latency (Σ τ ≥ 0).
 * Labels leave a heap in order of cost, then latency. A label is kept (settled) at its node only if
 * no label settled there before has latency ≤ its own: those all cost no more, so it would be
 * dominated. Since costs leave the heap in order, "latency below every settled label's" is the whole
 * dominance test, kept as one number per node. A label is extended over every arc the class can use
 * whose added latency keeps it within the limit. Every path that is not dominated is thus found, and
 * the first label settled at a node is the cheapest path to it within the limit. Paths are
 * elementary: a label that returns to a node on its own path costs and takes at least what the
 * label that passed there did, so it is dominated.
 *
 * <p>Not thread-safe; one instance per search, cheap to make.
 */
final class LatencyConstrainedPaths {
    private final Coefficients co;
    private final int k;
    private final int origin;
    private final double[] arcCost;

    private double[] cost = new double[64];
    private double[] latency = new double[64];
    private int[] node = new int[64];
    private int[] pred = new int[64];
    private int[] arc = new int[64];
    private int labels;
    private int[] heap = new int[64];
    private int heapSize;

    /** Lowest latency of a label settled at each node (+∞ when none). */
    private final double[] settledLatency;
    /** The first (cheapest) label settled at each node, or -1. */
    private final int[] best;
    private double lastPopped;

    private LatencyConstrainedPaths(Coefficients co, int k, int origin, double[] arcCost) {
        this.co = co;
        this.k = k;
        this.origin = origin;
        this.arcCost = arcCost;
        settledLatency = new double[co.nodeCount];
        Arrays.fill(settledLatency, Double.POSITIVE_INFINITY);
        best = new int[co.nodeCount];
        Arrays.fill(best, -1);
    }

    /**
     * Searches from {@code origin} over the arcs class k can carry, with {@code arcCost[a] ≥ 0} per link,
     * until every label left costs at least {@code stopAt} (+∞: the whole search).
     */
    static LatencyConstrainedPaths search(Coefficients co, int k, int origin, double[] arcCost, double stopAt) {
        LatencyConstrainedPaths s = new LatencyConstrainedPaths(co, k, origin, arcCost);
        s.run(stopAt);
        return s;
    }

    private void run(double stopAt) {
        push(newLabel(0, 0, origin, -1, -1));
        int[][] out = co.outArcs();
        while (heapSize > 0) {
            int l = pop();
            double c = cost[l];
            if (c >= stopAt) {
                lastPopped = c;
                return;
            }
            int v = node[l];
            if (latency[l] >= settledLatency[v]) {
                continue; // dominated by a label settled at v before
            }
            settledLatency[v] = latency[l];
            if (best[v] < 0) {
                best[v] = l;
            }
            for (int a : out[v]) {
                if (!co.carries(a, k)) {
                    continue;
                }
                int to = co.linkTo[a];
                double lat = latency[l] + co.latency[a];
                if (!co.withinLimit(lat, k) || lat >= settledLatency[to]) {
                    continue;
                }
                push(newLabel(c + arcCost[a], lat, to, l, a));
            }
        }
        lastPopped = Double.POSITIVE_INFINITY;
    }

    /** Whether the search ran to the end (no label was left unexplored below its stop). */
    boolean complete() {
        return lastPopped == Double.POSITIVE_INFINITY;
    }

    /** Whether a path to v within the limit was found. */
    boolean reached(int v) {
        return best[v] >= 0;
    }

    /** Cost of the cheapest path to v within the limit (+∞ if none was found). */
    double cost(int v) {
        return best[v] < 0 ? Double.POSITIVE_INFINITY : cost[best[v]];
    }

    /** Latency of that path. */
    double latency(int v) {
        return best[v] < 0 ? Double.POSITIVE_INFINITY : latency[best[v]];
    }

    /** Node indices of that path, origin first. */
    int[] nodes(int v) {
        int hops = 0;
        for (int l = best[v]; pred[l] >= 0; l = pred[l]) {
            hops++;
        }
        int[] nodes = new int[hops + 1];
        int i = hops;
        for (int l = best[v]; l >= 0; l = pred[l]) {
            nodes[i--] = node[l];
        }
        return nodes;
    }

    /** Link indices of that path, in order. */
    int[] arcs(int v) {
        int hops = 0;
        for (int l = best[v]; pred[l] >= 0; l = pred[l]) {
            hops++;
        }
        int[] arcs = new int[hops];
        int i = hops - 1;
        for (int l = best[v]; pred[l] >= 0; l = pred[l]) {
            arcs[i--] = arc[l];
        }
        return arcs;
    }

    private int newLabel(double c, double lat, int v, int p, int a) {
        if (labels == cost.length) {
            int grown = labels * 2;
            cost = Arrays.copyOf(cost, grown);
            latency = Arrays.copyOf(latency, grown);
            node = Arrays.copyOf(node, grown);
            pred = Arrays.copyOf(pred, grown);
            arc = Arrays.copyOf(arc, grown);
        }
        cost[labels] = c;
        latency[labels] = lat;
        node[labels] = v;
        pred[labels] = p;
        arc[labels] = a;
        return labels++;
    }

    // ---- a binary heap of label indices by (cost, latency) ----

    private boolean before(int a, int b) {
        return cost[a] < cost[b] || (cost[a] == cost[b] && latency[a] < latency[b]);
    }

    private void push(int l) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(l, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = l;
    }

    private int pop() {
        int top = heap[0];
        int last = heap[--heapSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], last)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (heapSize > 0) {
            heap[i] = last;
        }
        return top;
    }
}
