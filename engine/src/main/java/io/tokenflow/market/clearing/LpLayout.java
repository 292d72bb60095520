package io.tokenflow.market.clearing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each market quantity sits in the {@link LinearProgram}: column and row indices by node,
 * class and link, -1 where the formulation has no such column; and the path columns of the classes
 * cleared on origin paths, which column generation appends to as it finds them.
 *
 * <p>Not thread-safe: owned by the one thread that owns the LP.
 */
final class LpLayout {
    /** x_j,k column [node][class]. */
    final int[][] processing;
    /** y_j,k column [node][class], -1 for a must-serve class. */
    final int[][] unserved;
    /** f_a,k column [link][class], -1 where the class may not use the link (latency) or is cleared on paths. */
    final int[][] flow;
    /** Balance row [node][class]: for a path class, the origin row Σ_p f_p + y = d. */
    final int[][] balance;
    /** Arrival row [node][class] of a path class, x_j,k − Σ_{p ends at j} f_p = 0; -1 for an arc class. */
    final int[][] arrival;
    /** Bandwidth row [link]. */
    final int[] linkRow;
    /** Every path column, in the order added. */
    final List<PathColumn> paths = new ArrayList<>();
    private final Map<PathKey, PathColumn> pathIndex = new HashMap<>();
    /** Path columns by [class][origin]. */
    private final List<List<List<PathColumn>>> byOrigin = new ArrayList<>();

    LpLayout(int nodes, int classes, int links) {
        processing = filled(nodes, classes);
        unserved = filled(nodes, classes);
        flow = filled(links, classes);
        balance = filled(nodes, classes);
        arrival = filled(nodes, classes);
        linkRow = new int[links];
        Arrays.fill(linkRow, -1);
        for (int k = 0; k < classes; k++) {
            List<List<PathColumn>> perOrigin = new ArrayList<>();
            for (int j = 0; j < nodes; j++) {
                perOrigin.add(new ArrayList<>());
            }
            byOrigin.add(perOrigin);
        }
    }

    private static int[][] filled(int n, int m) {
        int[][] table = new int[n][m];
        for (int[] row : table) {
            Arrays.fill(row, -1);
        }
        return table;
    }

    /**
     * One origin path of a path class: f_p ≥ 0, the tokens of {@code k} that arise at {@code nodes[0]}
     * and are processed at the last node, over {@code arcs} (empty: served where they arise).
     *
     * @param latencyMs Σ τ over the arcs
     * @param routing   Σ c_a,k over the arcs ($/M tokens), the column's cost in the clearing
     */
    record PathColumn(int column, int k, int[] nodes, int[] arcs, double latencyMs, double routing) {
        int origin() {
            return nodes[0];
        }

        int end() {
            return nodes[nodes.length - 1];
        }
    }

    /** Identifies a path by its class and node sequence. */
    record PathKey(int k, List<Integer> nodes) {
        static PathKey of(int k, int[] nodes) {
            return new PathKey(k, Arrays.stream(nodes).boxed().toList());
        }
    }

    boolean hasPath(int k, int[] nodes) {
        return pathIndex.containsKey(PathKey.of(k, nodes));
    }

    void addPath(PathColumn path) {
        PathColumn previous = pathIndex.putIfAbsent(PathKey.of(path.k(), path.nodes()), path);
        if (previous != null) {
            throw new IllegalStateException("path column added twice");
        }
        paths.add(path);
        byOrigin.get(path.k()).get(path.origin()).add(path);
    }

    /** The path columns of class k starting at node o. */
    List<PathColumn> pathsFrom(int k, int o) {
        return byOrigin.get(k).get(o);
    }
}
