package io.tokenflow.market.menu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One tier-menu problem: a population of user types, what a cap is worth to them, the caps that may be
 * offered, and what a served token costs. A type θ choosing tier (T, P) gets θ·v(T) − P, nothing gets 0;
 * the platform earns P − c·T/10⁶ per request (a user uses its whole cap). Immutable; every field is
 * checked here, failing with its JSON path and value.
 *
 * @param name           a label echoed in the answer
 * @param costPerMTokens c, $ per M served tokens, finite, in [0, 1e12]
 * @param value          v(T)
 * @param types          1 to {@link #MAX_TYPES} types with distinct ids, shares adding up to 1 within
 *                       {@link #SHARE_TOLERANCE}
 * @param caps           the caps that may be offered
 * @param maxTiers       at most this many distinct non-zero caps (≥ 1); empty: no limit
 */
public record MenuProblem(
        String name,
        double costPerMTokens,
        ValueCurve value,
        List<UserType> types,
        CapGrid caps,
        OptionalInt maxTiers) {

    /** How far the shares may add up from 1 (the format's rule). */
    public static final double SHARE_TOLERANCE = 1e-9;

    /**
     * The most types a problem may hold. The exact program costs about tiers × types³ / 6 steps and
     * tiers × types² numbers of memory: at 100 types and no tier limit, some 17 million steps and 12 MB.
     */
    public static final int MAX_TYPES = 100;

    /** The largest cost accepted, as for the market's own prices. */
    public static final double MAX_COST_PER_M_TOKENS = 1e12;

    public MenuProblem {
        if (name == null) {
            throw new InvalidMenuException("name must be a string, got nothing");
        }
        checkCost(costPerMTokens);
        if (value == null) {
            throw new InvalidMenuException("value is required");
        }
        if (caps == null) {
            throw new InvalidMenuException("caps is required");
        }
        types = checkTypes(types);
        maxTiers = checkMaxTiers(maxTiers);
    }

    /** The same problem at another cost (the same population priced at another origin). */
    public MenuProblem withCost(double costPerMTokens) {
        return new MenuProblem(name, costPerMTokens, value, types, caps, maxTiers);
    }

    static void checkCost(double costPerMTokens) {
        if (!Double.isFinite(costPerMTokens) || costPerMTokens < 0 || costPerMTokens > MAX_COST_PER_M_TOKENS) {
            throw new InvalidMenuException("costPerMTokens must be finite and within [0, 1e12] $ per M tokens, got "
                    + InvalidMenuException.format(costPerMTokens));
        }
    }

    static List<UserType> checkTypes(List<UserType> types) {
        if (types == null || types.isEmpty()) {
            throw new InvalidMenuException("types must hold at least one type, got none");
        }
        if (types.size() > MAX_TYPES) {
            throw new InvalidMenuException("types holds " + types.size() + " types, more than the limit of "
                    + MAX_TYPES);
        }
        Map<String, Integer> seen = new HashMap<>();
        double sum = 0;
        for (int i = 0; i < types.size(); i++) {
            UserType t = types.get(i);
            if (t == null) {
                throw new InvalidMenuException("types[" + i + "] must be a type, got nothing");
            }
            Integer before = seen.putIfAbsent(t.id(), i);
            if (before != null) {
                throw new InvalidMenuException("types[" + i + "].id '" + t.id() + "' is used twice (also types["
                        + before + "])");
            }
            sum += t.share();
        }
        if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
            // 12 digits: enough to show the gap over 1e-9, without the binary tail of 0.6 + 0.3 + 0.2
            String shown = new java.math.BigDecimal(sum).round(new java.math.MathContext(12))
                    .stripTrailingZeros().toPlainString();
            throw new InvalidMenuException("types: the shares add up to " + shown + ", not 1 (within 1e-9)");
        }
        return List.copyOf(types);
    }

    static OptionalInt checkMaxTiers(OptionalInt maxTiers) {
        if (maxTiers == null) {
            return OptionalInt.empty();
        }
        if (maxTiers.isPresent() && maxTiers.getAsInt() < 1) {
            throw new InvalidMenuException("maxTiers must be >= 1 (leave it out for no limit), got "
                    + maxTiers.getAsInt());
        }
        return maxTiers;
    }
}
