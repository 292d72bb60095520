package io.tokenflow.market.clearing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Turns the balance-row duals of one class into prices that each carry their eq. 9 path:
 * π_o,k = g_s,k + μ_s,k + Σ_(i,j)∈P(o,s) (c_ij,k + a_k η_ij).
 *
 * <p>Three steps, per class:
 * <ol>
 *   <li><b>Idle nodes get their marginal cost.</b> A node with no demand, processing or flow of the
 *   class has a dual that the LP leaves free within an interval; the solver returns any point of
 *   it. We lift it to the interval's top, the cost of serving one more unit there (the right-hand
 *   derivative of cost in its demand), by a shortest-path pass over the other prices. Lifting never
 *   breaks dual feasibility (it only loosens constraints on arcs into the node) and changes no dual
 *   objective term (d = 0 there).</li>
 *   <li><b>μ from π.</b> μ_j,k = max(0, π_j,k − g_j,k) where x_j,k is at capacity, else 0 (capacity is
 *   a column bound, so this is minus the reduced cost).</li>
 *   <li><b>Paths.</b> From each active node, follow positive flows along tight arcs to a node that
 *   processes (or leaves demand unserved at ρ); idle nodes follow their lifting step.</li>
 * </ol>
 *
 * Not thread-safe; one instance per solution.
 */
final class PriceDecomposer {
    /** How a path ends. */
    enum Terminal { SERVED, PENALTY, NONE }

    /** The decomposition of one π_j,k. */
    record Decomposed(double price, Terminal terminal, int servingNode, int[] path, int[] arcs) {}

    private final Coefficients co;
    private final LpLayout layout;
    private final LpSolution solution;
    private final double[] eta;
    private final int[][] outArcs;
    private final int[][] inArcs;

    PriceDecomposer(Coefficients co, LpLayout layout, LpSolution solution, double[] eta) {
        this.co = co;
        this.layout = layout;
        this.solution = solution;
        this.eta = eta;
        this.outArcs = adjacency(co.linkFrom, co.nodeCount);
        this.inArcs = adjacency(co.linkTo, co.nodeCount);
    }

    private static int[][] adjacency(int[] endpoint, int nodeCount) {
        int[] counts = new int[nodeCount];
        for (int node : endpoint) {
            counts[node]++;
        }
        int[][] adjacency = new int[nodeCount][];
        for (int j = 0; j < nodeCount; j++) {
            adjacency[j] = new int[counts[j]];
        }
        int[] fill = new int[nodeCount];
        for (int a = 0; a < endpoint.length; a++) {
            adjacency[endpoint[a]][fill[endpoint[a]]++] = a;
        }
        return adjacency;
    }

    /** Per class: the final prices, the scarcity rents and each node's path. */
    final class ClassPrices {
        final int k;
        final double[] price;
        final double[] scarcity;
        final Decomposed[] decomposed;

        private final boolean[] idle;
        /** For lifted idle nodes: the arc taken, or -1 (serve here) / -2 (penalty) / -3 (no supply). */
        private final int[] liftStep;
        private final int[] visitState;

        private ClassPrices(int k) {
            this.k = k;
            int n = co.nodeCount;
            price = new double[n];
            scarcity = new double[n];
            decomposed = new Decomposed[n];
            idle = new boolean[n];
            liftStep = new int[n];
            visitState = new int[n];
            if (co.pathClass[k]) {
                new PathClassPrices(co, layout, solution, eta, k, price, scarcity, decomposed, idle).fill();
                return;
            }
            for (int j = 0; j < n; j++) {
                price[j] = solution.rowDuals()[layout.balance[j][k]];
            }
            markIdle();
            liftIdlePrices();
            for (int j = 0; j < n; j++) {
                price[j] = Tolerances.cleanPrice(price[j]);
                boolean atCapacity = co.capacity[j][k] == 0
                        || x(j) >= co.capacity[j][k] - 1e-9 * Math.max(1.0, co.capacity[j][k]);
                scarcity[j] = atCapacity ? Tolerances.cleanPrice(Math.max(0, price[j] - co.processingCost[j][k])) : 0;
            }
            for (int j = 0; j < n; j++) {
                decomposed[j] = idle[j] ? followLift(j) : followFlow(j);
            }
        }

        private double x(int j) {
            return solution.primal()[layout.processing[j][k]];
        }

        private double y(int j) {
            int col = layout.unserved[j][k];
            return col < 0 ? 0 : solution.primal()[col];
        }

        private double f(int a) {
            int col = layout.flow[a][k];
            return col < 0 ? 0 : solution.primal()[col];
        }

        /** Whether class k can move tokens over arc a at all: allowed by latency, and the link is not down. */
        private boolean carries(int a) {
            return layout.flow[a][k] >= 0 && (co.linkWeight[k] == 0 || co.linkCapacity[a] > 0);
        }

        /** c_ij,k + a_k η_ij: what crossing arc a adds to the price. */
        private double arcPriceStep(int a) {
            return co.routingCost[a][k] + co.linkWeight[k] * eta[a];
        }

        private void markIdle() {
            for (int j = 0; j < co.nodeCount; j++) {
                boolean active = x(j) > Tolerances.ACTIVE_RATE || y(j) > Tolerances.ACTIVE_RATE;
                for (int a : outArcs[j]) {
                    active |= f(a) > Tolerances.ACTIVE_RATE;
                }
                for (int a : inArcs[j]) {
                    active |= f(a) > Tolerances.ACTIVE_RATE;
                }
                idle[j] = !active;
            }
        }

        /**
         * Dijkstra towards idle nodes: π_j = min(g_j if C_j > 0, ρ_k, min over arcs that can carry the class of
         * step + π_h). The result is the largest π_j the other prices and rents allow (a link down to 0 Gbps
         * is no way out).
         */
        private void liftIdlePrices() {
            int n = co.nodeCount;
            double[] best = new double[n];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            Arrays.fill(liftStep, -3);
            PriorityQueue<double[]> queue = new PriorityQueue<>(Comparator.comparingDouble((double[] e) -> e[0])
                    .thenComparingDouble(e -> e[1]));
            for (int j = 0; j < n; j++) {
                if (!idle[j]) {
                    continue;
                }
                if (co.capacity[j][k] > 0 && co.processingCost[j][k] < best[j]) {
                    best[j] = co.processingCost[j][k];
                    liftStep[j] = -1;
                }
                if (co.hasPenalty(k) && co.penalty[k] < best[j]) {
                    best[j] = co.penalty[k];
                    liftStep[j] = -2;
                }
                for (int a : outArcs[j]) {
                    int h = co.linkTo[a];
                    if (carries(a) && !idle[h] && arcPriceStep(a) + price[h] < best[j]) {
                        best[j] = arcPriceStep(a) + price[h];
                        liftStep[j] = a;
                    }
                }
                if (best[j] < Double.POSITIVE_INFINITY) {
                    queue.add(new double[] {best[j], j});
                }
            }
            boolean[] done = new boolean[n];
            while (!queue.isEmpty()) {
                double[] entry = queue.poll();
                int u = (int) entry[1];
                if (done[u] || entry[0] > best[u]) {
                    continue;
                }
                done[u] = true;
                for (int a : inArcs[u]) {
                    int i = co.linkFrom[a];
                    if (idle[i] && !done[i] && carries(a) && arcPriceStep(a) + best[u] < best[i]) {
                        best[i] = arcPriceStep(a) + best[u];
                        liftStep[i] = a;
                        queue.add(new double[] {best[i], i});
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                if (idle[j] && best[j] < Double.POSITIVE_INFINITY) {
                    price[j] = best[j];
                }
            }
        }

        private Decomposed followLift(int j) {
            List<Integer> nodes = new ArrayList<>();
            List<Integer> arcs = new ArrayList<>();
            int u = j;
            nodes.add(u);
            while (idle[u] && liftStep[u] >= 0) {
                int a = liftStep[u];
                arcs.add(a);
                u = co.linkTo[a];
                nodes.add(u);
            }
            if (!idle[u]) {
                Decomposed rest = decomposed[u] != null ? decomposed[u] : followFlow(u);
                for (int i = 1; i < rest.path().length; i++) {
                    nodes.add(rest.path()[i]);
                }
                for (int a : rest.arcs()) {
                    arcs.add(a);
                }
                return new Decomposed(price[j], rest.terminal(), rest.servingNode(), toArray(nodes), toArray(arcs));
            }
            Terminal terminal = switch (liftStep[u]) {
                case -1 -> Terminal.SERVED;
                case -2 -> Terminal.PENALTY;
                default -> Terminal.NONE;
            };
            return new Decomposed(price[j], terminal, terminal == Terminal.SERVED ? u : -1, toArray(nodes), toArray(arcs));
        }

        /** Depth-first along positive, tight flows to a serving node; falls back to tight arcs without flow. */
        private Decomposed followFlow(int origin) {
            Arrays.fill(visitState, 0);
            List<Integer> nodes = new ArrayList<>();
            List<Integer> arcs = new ArrayList<>();
            nodes.add(origin);
            Terminal terminal = walk(origin, nodes, arcs, true);
            if (terminal == Terminal.NONE) {
                Arrays.fill(visitState, 0);
                nodes.clear();
                arcs.clear();
                nodes.add(origin);
                terminal = walk(origin, nodes, arcs, false);
            }
            int last = nodes.get(nodes.size() - 1);
            return new Decomposed(price[origin], terminal, terminal == Terminal.SERVED ? last : -1, toArray(nodes),
                    toArray(arcs));
        }

        private Terminal walk(int u, List<Integer> nodes, List<Integer> arcs, boolean flowOnly) {
            visitState[u] = 1;
            boolean serverTight = Tolerances.tight(price[u] - co.processingCost[u][k] - scarcity[u], price[u]);
            if (serverTight && (x(u) > Tolerances.ACTIVE_RATE || !flowOnly && co.capacity[u][k] > 0)) {
                return Terminal.SERVED;
            }
            List<Integer> candidates = new ArrayList<>();
            for (int a : outArcs[u]) {
                int v = co.linkTo[a];
                boolean usable = carries(a) && visitState[v] == 0
                        && Tolerances.tight(price[u] - price[v] - arcPriceStep(a), price[u]);
                if (usable && (!flowOnly || f(a) > Tolerances.ACTIVE_RATE)) {
                    candidates.add(a);
                }
            }
            candidates.sort(Comparator.comparingDouble((Integer a) -> -f(a)).thenComparingInt(a -> co.linkTo[a]));
            for (int a : candidates) {
                int v = co.linkTo[a];
                if (visitState[v] != 0) {
                    continue;
                }
                nodes.add(v);
                arcs.add(a);
                Terminal reached = walk(v, nodes, arcs, flowOnly);
                if (reached != Terminal.NONE) {
                    return reached;
                }
                nodes.remove(nodes.size() - 1);
                arcs.remove(arcs.size() - 1);
            }
            if (co.hasPenalty(k) && (y(u) > Tolerances.ACTIVE_RATE || !flowOnly)
                    && Tolerances.tight(price[u] - co.penalty[k], price[u])) {
                return Terminal.PENALTY;
            }
            visitState[u] = 2;
            return Terminal.NONE;
        }
    }

    ClassPrices decompose(int k) {
        return new ClassPrices(k);
    }

    /**
     * Raises the rent of links closed to 0 capacity until no final price crosses them for less than
     * their routing cost: π_i − π_j ≤ c + a_k η must hold on every usable arc, and lifting idle prices
     * ignores closed links. A closed link's rent costs nothing in the dual objective (η · 0) and keeps
     * complementary slackness (its load is its capacity, 0); it reads as the value of reopening it.
     */
    void priceClosedLinks(ClassPrices[] byClass) {
        for (int a = 0; a < co.linkCount; a++) {
            if (co.linkCapacity[a] > 0) {
                continue;
            }
            for (ClassPrices prices : byClass) {
                int k = prices.k;
                if (layout.flow[a][k] < 0 || co.linkWeight[k] == 0) {
                    continue;
                }
                double gap = prices.price[co.linkFrom[a]] - prices.price[co.linkTo[a]] - co.routingCost[a][k];
                eta[a] = Math.max(eta[a], Tolerances.cleanPrice(gap / co.linkWeight[k]));
            }
        }
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
