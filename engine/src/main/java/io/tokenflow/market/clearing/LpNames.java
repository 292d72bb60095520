package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;

/**
 * Column and row names a person can read in an exported LP: {@code x(dallas,image)},
 * {@code f(silicon.valley,seattle,chat)}, {@code bal(ashburn,code)}, {@code link(a,b)}.
 *
 * <p>LP-format names may not contain '-' (a minus sign there), so '-' in an id is written '.',
 * which ids never contain: the mapping stays one-to-one. Ids so long that a name would pass the
 * format's 255 characters fall back to index names ({@code x(n12,k3)}).
 */
final class LpNames {
    private static final int LONGEST_READABLE_ID = 60;

    private final String[] nodes;
    private final String[] classes;
    private final int[] from;
    private final int[] to;

    LpNames(Scenario scenario, Coefficients coefficients) {
        boolean readable = scenario.nodes().stream().allMatch(n -> n.id().length() <= LONGEST_READABLE_ID)
                && scenario.classes().stream().allMatch(c -> c.id().length() <= LONGEST_READABLE_ID);
        nodes = new String[scenario.nodes().size()];
        for (int j = 0; j < nodes.length; j++) {
            nodes[j] = readable ? lpSafe(scenario.nodes().get(j).id()) : "n" + j;
        }
        classes = new String[scenario.classes().size()];
        for (int k = 0; k < classes.length; k++) {
            classes[k] = readable ? lpSafe(scenario.classes().get(k).id()) : "k" + k;
        }
        from = coefficients.linkFrom;
        to = coefficients.linkTo;
    }

    private static String lpSafe(String id) {
        return id.replace('-', '.');
    }

    String processing(int j, int k) {
        return "x(" + nodes[j] + "," + classes[k] + ")";
    }

    String unserved(int j, int k) {
        return "y(" + nodes[j] + "," + classes[k] + ")";
    }

    String flow(int a, int k) {
        return "f(" + nodes[from[a]] + "," + nodes[to[a]] + "," + classes[k] + ")";
    }

    /** A path column: origin, serving node, class and the column's ordinal among path columns (paths are many). */
    String path(int origin, int end, int k, int ordinal) {
        return "p(" + nodes[origin] + "," + nodes[end] + "," + classes[k] + "," + ordinal + ")";
    }

    String arrival(int j, int k) {
        return "arr(" + nodes[j] + "," + classes[k] + ")";
    }

    String balance(int j, int k) {
        return "bal(" + nodes[j] + "," + classes[k] + ")";
    }

    String link(int a) {
        return "link(" + nodes[from[a]] + "," + nodes[to[a]] + ")";
    }
}
