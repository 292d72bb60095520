package io.tokenflow.market.solution;

import java.util.List;
import java.util.Optional;

/**
 * The locational marginal service price π_j,k (the dual of the balance row of node j, class k) and
 * its decomposition along the path to the node that serves the marginal unit (paper eq. 9):
 * {@code price = energy + scarcity + routing + congestion + unservedPenalty}.
 *
 * @param node            origin node id j
 * @param classId         workload class id k
 * @param price           π_j,k, $/M tokens
 * @param energy          g_s,k at the serving node s: electricity plus any opex ($/M tokens)
 * @param scarcity        μ_s,k, the compute-scarcity rent at the serving node
 * @param routing         Σ c_ij,k along the path
 * @param congestion      Σ η_ij (token-equivalent) or Σ γ_k η_ij (transfer-aware) along the path
 * @param unservedPenalty ρ_k where the marginal unit goes unserved, else 0
 * @param servingNode     s; empty where the marginal unit is not served (penalty) or cannot be
 * @param path            node ids from {@code node} to the serving node (just {@code node} if local)
 * @param electricityCost the electricity part of {@code energy}: p_s e_k
 * @param opexCost        the opex part of {@code energy}: node plus class opex at s
 */
public record NodePrice(
        String node,
        String classId,
        double price,
        double energy,
        double scarcity,
        double routing,
        double congestion,
        double unservedPenalty,
        Optional<String> servingNode,
        List<String> path,
        double electricityCost,
        double opexCost) {

    public NodePrice {
        path = List.copyOf(path);
    }
}
