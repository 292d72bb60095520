package io.tokenflow.market.solution;

import java.util.List;

/**
 * A proof, checkable by arithmetic alone, that must-serve demand cannot be met: weights u on the
 * balance rows, v ≥ 0 on node capacities and w ≥ 0 on links with
 * <pre>
 *   u_i,k − u_j,k ≤ a_k w_ij   on every arc class k may use,
 *   u_j,k ≤ v_j,k              on every node and class,
 *   u_j,k ≤ 0                  for classes that may go unserved,
 *   Σ u·d − Σ v·C − Σ w·W' &gt; 0.
 * </pre>
 * Any dispatch serving all must-serve demand would make the last sum ≤ 0, so none exists. The
 * weights are the duals of the least-shortfall LP, so {@link #boundTokensPerSecond} is also the least
 * possible shortfall. Weights that are 0 are left out. Units are those of the clearing LP: d and C in
 * M tokens/s, W' in M tokens/s (token-equivalent) or GB/s (transfer-aware).
 */
public record FarkasCertificate(
        List<NodeClassWeight> balanceWeights,
        List<NodeClassWeight> capacityWeights,
        List<LinkWeight> linkWeights,
        double boundTokensPerSecond) {

    public FarkasCertificate {
        balanceWeights = List.copyOf(balanceWeights);
        capacityWeights = List.copyOf(capacityWeights);
        linkWeights = List.copyOf(linkWeights);
    }

    public record NodeClassWeight(String node, String classId, double weight) {}

    public record LinkWeight(String from, String to, double weight) {}
}
