package io.tokenflow.market.menu;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A menu problem as a file or a TierMenu call states it: the population, curve and grid always, the cost
 * either given ({@code costPerMTokens}) or to be taken from a cleared market at {@code origin} ×
 * {@code class}. Every part is checked when made, so a bad share or curve is reported before any market
 * is cleared or read.
 *
 * @param origin  where the users arise; with {@code classId}, names the market price π(origin, class)
 * @param classId the workload class the users' requests belong to
 */
public record MenuRequest(
        String name,
        OptionalDouble costPerMTokens,
        Optional<String> origin,
        Optional<String> classId,
        ValueCurve value,
        List<UserType> types,
        CapGrid caps,
        OptionalInt maxTiers) {

    public MenuRequest {
        if (name == null || costPerMTokens == null || origin == null || classId == null) {
            throw new InvalidMenuException("name, costPerMTokens, origin and class must be given or empty, not null");
        }
        costPerMTokens.ifPresent(MenuProblem::checkCost);
        if (costPerMTokens.isPresent() && (origin.isPresent() || classId.isPresent())) {
            throw new InvalidMenuException("costPerMTokens: give the cost, or origin + class to take it from a "
                    + "cleared market, not both (costPerMTokens " + InvalidMenuException.format(
                            costPerMTokens.getAsDouble()) + ", " + origin.map(o -> "origin '" + o + "'")
                            .orElse("class '" + classId.orElse("") + "'") + ")");
        }
        origin.ifPresent(o -> requireId("origin", o));
        classId.ifPresent(c -> requireId("class", c));
        if (value == null) {
            throw new InvalidMenuException("value is required");
        }
        if (caps == null) {
            throw new InvalidMenuException("caps is required");
        }
        types = MenuProblem.checkTypes(types);
        maxTiers = MenuProblem.checkMaxTiers(maxTiers);
    }

    /** The problem at the cost the file gives. */
    public MenuProblem problem() {
        if (costPerMTokens.isEmpty()) {
            throw new InvalidMenuException("costPerMTokens is required without a market: give it, or give origin "
                    + "and class and a cleared market (--scenario NAME|FILE or --target HOST:PORT) to take "
                    + "π(origin, class) from");
        }
        return problem(costPerMTokens.getAsDouble());
    }

    /** The problem at {@code costPerMTokens}, π(origin, class) of a cleared market. */
    public MenuProblem problem(double costPerMTokens) {
        return new MenuProblem(name, costPerMTokens, value, types, caps, maxTiers);
    }

    private static void requireId(String field, String value) {
        if (value.isEmpty()) {
            throw new InvalidMenuException(field + " must not be empty");
        }
    }
}
