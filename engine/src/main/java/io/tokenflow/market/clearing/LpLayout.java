package io.tokenflow.market.clearing;

/**
 * Where each market quantity sits in the {@link LinearProgram}: column and row indices by node,
 * class and link, -1 where the formulation has no such column.
 */
final class LpLayout {
    /** x_j,k column [node][class]. */
    final int[][] processing;
    /** y_j,k column [node][class], -1 for a must-serve class. */
    final int[][] unserved;
    /** f_a,k column [link][class], -1 where the class may not use the link (latency). */
    final int[][] flow;
    /** Balance row [node][class]. */
    final int[][] balance;
    /** Bandwidth row [link]. */
    final int[] linkRow;

    LpLayout(int nodes, int classes, int links) {
        processing = filled(nodes, classes);
        unserved = filled(nodes, classes);
        flow = filled(links, classes);
        balance = filled(nodes, classes);
        linkRow = new int[links];
        java.util.Arrays.fill(linkRow, -1);
    }

    private static int[][] filled(int n, int m) {
        int[][] table = new int[n][m];
        for (int[] row : table) {
            java.util.Arrays.fill(row, -1);
        }
        return table;
    }
}
