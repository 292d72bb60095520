package io.tokenflow.market.menu;

import java.util.List;

/**
 * The revenue-optimal menu of one problem: the tiers some type chooses, what each type chooses, and the
 * platform's expected profit per request. Immutable.
 *
 * @param costPerMTokens   the c it was priced at, $ per M tokens
 * @param profitPerRequest Σ share · (price − c·cap/10⁶) over the types' choices, $
 * @param tiers            the chosen tiers, cap ascending (a type that buys nothing has none)
 * @param choices          one per type, in the problem's order
 * @param exact            the menu is proven optimal over the cap grid
 */
public record TierMenu(
        String name,
        double costPerMTokens,
        double profitPerRequest,
        List<Tier> tiers,
        List<Choice> choices,
        boolean exact) {

    public TierMenu {
        tiers = List.copyOf(tiers);
        choices = List.copyOf(choices);
    }

    /**
     * One tier: a cap and its price per request.
     *
     * @param costFloorPerRequest c·cap/10⁶, what serving a full cap costs: no tier is priced below it
     * @param types               the ids of the types that choose it, in the problem's order
     */
    public record Tier(long capTokens, double pricePerRequest, double costFloorPerRequest, List<String> types) {
        public Tier {
            types = List.copyOf(types);
        }

        /** What the platform earns on a request of this tier: price − cost floor. */
        public double marginPerRequest() {
            return pricePerRequest - costFloorPerRequest;
        }
    }

    /**
     * What one type chooses: a tier, or nothing (cap 0, price 0).
     *
     * @param surplus θ·v(cap) − price, $ per request, ≥ 0
     */
    public record Choice(String type, long capTokens, double pricePerRequest, double surplus) {}
}
