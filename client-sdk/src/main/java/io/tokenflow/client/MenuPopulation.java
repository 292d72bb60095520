package io.tokenflow.client;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The users a platform sells tiers to, for {@link PricingOracleClient#tierMenu}: their types, what a cap
 * is worth to them and the caps that may be offered (the menu format, docs/menus.md, without the cost,
 * which the oracle takes from its market). The oracle checks every field and names the one it refuses.
 *
 * @param name     a label echoed in the answer
 * @param types    the types θ_i, shares adding up to 1
 * @param value    v(T), the share of a request's value delivered with a cap of T tokens
 * @param caps     the caps that may be offered
 * @param maxTiers at most this many distinct non-zero caps; empty: no limit
 */
public record MenuPopulation(String name, List<Type> types, Curve value, Caps caps, OptionalInt maxTiers) {

    public MenuPopulation {
        Objects.requireNonNull(name, "name");
        types = List.copyOf(types);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(caps, "caps");
        Objects.requireNonNull(maxTiers, "maxTiers");
    }

    /** One type: its share of the users and θ, $ per request at v = 1. */
    public record Type(String id, double share, double valuePerRequest) {}

    /** The caps min, min + step, ..., up to max tokens per request. */
    public record Caps(long min, long max, long step) {}

    /** v(T): {@link Saturating} or {@link Points}. */
    public sealed interface Curve permits Saturating, Points {}

    /** v(T) = 1 − exp(−T / scaleTokens). */
    public record Saturating(double scaleTokens) implements Curve {}

    /** The piecewise-linear concave curve through the points ([tokens, v]) from an implied [0, 0]. */
    public record Points(List<Point> points) implements Curve {
        public Points {
            points = List.copyOf(points);
        }
    }

    /** One point of a {@link Points} curve. */
    public record Point(double tokens, double value) {}
}
