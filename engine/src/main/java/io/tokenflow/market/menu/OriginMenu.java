package io.tokenflow.market.menu;

/**
 * A menu priced at one origin × class of a cleared market: the same population sees a different
 * optimal menu wherever the local price π differs.
 *
 * @param menu priced at {@code menu.costPerMTokens()} = π(origin, class)
 */
public record OriginMenu(String origin, String classId, TierMenu menu) {}
