package io.tokenflow.market.menu;

/**
 * One type of user θ_i: how much a request's full value is worth to it and how common it is.
 *
 * @param id              unique within a problem, not empty
 * @param share           the probability of the type, in [0, 1]; a problem's shares add up to 1
 * @param valuePerRequest θ_i, $ per request at v = 1, in [0, {@link #MAX_VALUE_PER_REQUEST}]
 */
public record UserType(String id, double share, double valuePerRequest) {

    /**
     * The largest θ accepted. Ties between a type's options are judged within 1e-12 $ (the format's
     * rule), which a double resolves only while the utilities stay below about 10^3 $: a request worth
     * more than $1,000 is far outside any tier menu anyway.
     */
    public static final double MAX_VALUE_PER_REQUEST = 1_000;

    /** Checks each field; {@code at} is the type's JSON path ({@code types[2]}) for the messages. */
    public static UserType of(String at, String id, double share, double valuePerRequest) {
        check(at, id, share, valuePerRequest);
        return new UserType(id, share, valuePerRequest);
    }

    public UserType {
        check("type", id, share, valuePerRequest);
    }

    private static void check(String at, String id, double share, double valuePerRequest) {
        if (id == null || id.isEmpty()) {
            throw new InvalidMenuException(at + ".id must not be empty, got " + (id == null ? "nothing" : "''"));
        }
        if (!Double.isFinite(share) || share < 0 || share > 1) {
            throw new InvalidMenuException(at + ".share must be within [0, 1], got "
                    + InvalidMenuException.format(share) + " (type '" + id + "')");
        }
        if (!Double.isFinite(valuePerRequest) || valuePerRequest < 0) {
            throw new InvalidMenuException(at + ".valuePerRequest must be finite and >= 0, got "
                    + InvalidMenuException.format(valuePerRequest) + " (type '" + id + "')");
        }
        if (valuePerRequest > MAX_VALUE_PER_REQUEST) {
            throw new InvalidMenuException(at + ".valuePerRequest must be <= 1000 $ per request, got "
                    + InvalidMenuException.format(valuePerRequest) + " (type '" + id + "')");
        }
    }
}
