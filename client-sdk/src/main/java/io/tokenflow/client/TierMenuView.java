package io.tokenflow.client;

import java.util.List;

/**
 * The revenue-optimal tier menu the oracle priced at π(origin, class) of one market version.
 *
 * @param costPerMTokens   π(origin, class) of {@code marketVersion}, the cost the menu is priced at
 * @param profitPerRequest Σ share · (price − cost floor) over the types' choices, $
 * @param tiers            the tiers some type chooses, cap ascending
 * @param choices          one per type, in the population's order
 * @param exact            proven optimal over the cap grid
 * @param stale            the oracle's last re-clear failed: π is from its last good version
 */
public record TierMenuView(
        String origin,
        String workloadClass,
        String name,
        double costPerMTokens,
        double profitPerRequest,
        List<Tier> tiers,
        List<Choice> choices,
        boolean exact,
        long marketVersion,
        boolean stale) {

    public TierMenuView {
        tiers = List.copyOf(tiers);
        choices = List.copyOf(choices);
    }

    /** A tier, never priced below its cost floor π · cap / 10⁶; {@code types} are those that choose it. */
    public record Tier(long capTokens, double pricePerRequest, double costFloorPerRequest, List<String> types) {
        public Tier {
            types = List.copyOf(types);
        }
    }

    /** What one type chooses (cap 0 and price 0: nothing), with its surplus θ·v(cap) − price. */
    public record Choice(String type, long capTokens, double pricePerRequest, double surplus) {}
}
