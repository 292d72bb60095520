package io.tokenflow.market.clearing;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one class's arc flows into origin → site paths: for every origin with served demand, which
 * sites its tokens reach along which paths. The split is one flow decomposition of many (tokens of
 * different origins are interchangeable); this one is deterministic: origins in scenario order, each
 * first using its own processing, then the outgoing arc with the most flow left, cancelling any cycle
 * it meets (a cycle moves tokens in a loop and serves no one). Stateless.
 */
final class FlowDecomposition {
    /** One piece: {@code amount} tokens/s of {@code nodes[0]}'s demand carried over {@code arcs} to the last node. */
    record Chunk(int[] nodes, int[] arcs, double amount) {
        int origin() {
            return nodes[0];
        }

        int site() {
            return nodes[nodes.length - 1];
        }
    }

    private FlowDecomposition() {}

    /**
     * @param served    per node, the class's served demand (tokens/s)
     * @param processed per node, what it processes of the class
     * @param flow      per link, the class's flow (copied, not changed)
     * @return the chunks, origins in scenario order
     */
    static List<Chunk> decompose(Coefficients co, double[] served, double[] processed, double[] flow) {
        double[] supply = served.clone();
        double[] sink = processed.clone();
        double[] left = flow.clone();
        double total = 0;
        for (double s : supply) {
            total += s;
        }
        // flows are read at solver precision (about 1e-3 tokens/s); smaller remainders are rounding
        double eps = Math.max(1e-2, 1e-9 * total);
        int[][] out = co.outArcs();
        List<Chunk> chunks = new ArrayList<>();
        for (int o = 0; o < co.nodeCount; o++) {
            while (supply[o] > eps) {
                List<Integer> nodes = new ArrayList<>(List.of(o));
                List<Integer> arcs = new ArrayList<>();
                int u = o;
                boolean stuck = false;
                while (sink[u] <= eps) {
                    int next = widestArc(out[u], left, eps);
                    if (next < 0) {
                        stuck = true; // only rounding is left
                        break;
                    }
                    int v = co.linkTo[next];
                    int seen = nodes.indexOf(v);
                    if (seen >= 0) {
                        cancelCycle(arcs.subList(seen, arcs.size()), next, left);
                        nodes.subList(seen + 1, nodes.size()).clear();
                        arcs.subList(seen, arcs.size()).clear();
                    } else {
                        nodes.add(v);
                        arcs.add(next);
                    }
                    u = v;
                }
                if (stuck) {
                    break;
                }
                double amount = Math.min(supply[o], sink[u]);
                for (int a : arcs) {
                    amount = Math.min(amount, left[a]);
                }
                supply[o] -= amount;
                sink[u] -= amount;
                for (int a : arcs) {
                    left[a] -= amount;
                }
                chunks.add(new Chunk(nodes.stream().mapToInt(Integer::intValue).toArray(),
                        arcs.stream().mapToInt(Integer::intValue).toArray(), amount));
            }
        }
        return chunks;
    }

    private static int widestArc(int[] outArcs, double[] left, double eps) {
        int best = -1;
        for (int a : outArcs) {
            if (left[a] > eps && (best < 0 || left[a] > left[best])) {
                best = a;
            }
        }
        return best;
    }

    private static void cancelCycle(List<Integer> pathArcs, int closingArc, double[] left) {
        double amount = left[closingArc];
        for (int a : pathArcs) {
            amount = Math.min(amount, left[a]);
        }
        for (int a : pathArcs) {
            left[a] -= amount;
        }
        left[closingArc] -= amount;
    }
}
