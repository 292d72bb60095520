package io.tokenflow.market.solution;

import java.util.List;

/**
 * A node where one class of an origin's demand may be served, with what one more M tokens served
 * there would cost: processing at the site plus carrying the tokens there.
 *
 * <p>By dual feasibility no site delivers below the origin's price π, and every site the cleared
 * flows use delivers at exactly π (complementary slackness), so the cheapest site's delivered cost
 * is the quote.
 *
 * @param node                 the site
 * @param path                 node ids from the origin to the site over links the class may use
 * @param energy               g_s,k: electricity plus opex at the site, $/M tokens
 * @param scarcity             μ_s,k: the compute-scarcity rent at the site
 * @param routing              Σ c_ij,k along the path
 * @param congestion           Σ congestion rent along the path (γ_k η_ij when transfer-aware)
 * @param latencyMs            Σ τ_ij along the path
 * @param spareTokensPerSecond capacity of the class left at the site, C − x
 */
public record DeliverySite(
        String node,
        List<String> path,
        double energy,
        double scarcity,
        double routing,
        double congestion,
        double latencyMs,
        double spareTokensPerSecond) {

    public DeliverySite {
        path = List.copyOf(path);
    }

    /** g + μ: what the compute at the site is paid per M tokens. */
    public double sitePrice() {
        return energy + scarcity;
    }

    /**
     * Whether the cleared market leaves capacity at the site for more of the class: above 0.1 tokens/s, the
     * clearing's threshold of activity (less is solver rounding on a full site).
     */
    public boolean hasSpareCapacity() {
        return spareTokensPerSecond > 0.1;
    }

    /** Site price plus routing and congestion along the path, $/M tokens. */
    public double deliveredCost() {
        return energy + scarcity + routing + congestion;
    }
}
