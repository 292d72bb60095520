package io.tokenflow.market.model;

import java.util.OptionalDouble;

/**
 * A workload class k (chat, image, code review, batch, ...): its data and energy intensity per
 * million useful tokens and the limits the market applies to it.
 *
 * @param id                        unique id, {@code [a-z0-9][a-z0-9_-]*}
 * @param gbPerMTokens              a_k: data moved per M tokens (GB), after protocol overhead
 * @param kwhPerMTokens             e_k: energy per M tokens processed (kWh)
 * @param maxLatencyMs              L_k, read per the scenario's {@link LatencyScope}: END_TO_END, the summed
 *                                  latency of every path the class uses is at most this; PER_LINK, each
 *                                  link's own latency is
 * @param unservedPenaltyPerMTokens ρ_k: when present, demand may go unserved at this price
 *                                  (the paper's partial-service extension); absent means must-serve
 * @param opexPerMTokens            non-energy cost per processed M tokens, the same at every node
 */
public record WorkloadClass(
        String id,
        double gbPerMTokens,
        double kwhPerMTokens,
        OptionalDouble maxLatencyMs,
        OptionalDouble unservedPenaltyPerMTokens,
        double opexPerMTokens) {

    public WorkloadClass {
        Checks.id("class ", "id", id);
        String subject = "class '" + id + "' ";
        Checks.nonNegative(subject, "gbPerMTokens", gbPerMTokens);
        Checks.nonNegative(subject, "kwhPerMTokens", kwhPerMTokens);
        if (maxLatencyMs == null || unservedPenaltyPerMTokens == null) {
            throw new InvalidScenarioException(subject + "optional fields must be OptionalDouble.empty(), not null");
        }
        maxLatencyMs.ifPresent(v -> Checks.nonNegative(subject, "maxLatencyMs", v));
        unservedPenaltyPerMTokens.ifPresent(v -> Checks.nonNegative(subject, "unservedPenaltyPerMTokens", v));
        Checks.nonNegative(subject, "opexPerMTokens", opexPerMTokens);
    }

    /** A must-serve class without latency limit or opex. */
    public static WorkloadClass of(String id, double gbPerMTokens, double kwhPerMTokens) {
        return new WorkloadClass(id, gbPerMTokens, kwhPerMTokens, OptionalDouble.empty(), OptionalDouble.empty(), 0);
    }

    public boolean mustServe() {
        return unservedPenaltyPerMTokens.isEmpty();
    }

    /**
     * Whether this class may use a link of the given latency at all (paper: f_ij,k = 0 when τ_ij > L_k).
     * Under END_TO_END this is necessary, not sufficient: the whole path must be within the limit too.
     */
    public boolean mayUse(Link link) {
        return maxLatencyMs.isEmpty() || link.latencyMs() <= maxLatencyMs.getAsDouble();
    }

    public WorkloadClass withMaxLatencyMs(double ms) {
        return new WorkloadClass(id, gbPerMTokens, kwhPerMTokens, OptionalDouble.of(ms), unservedPenaltyPerMTokens,
                opexPerMTokens);
    }

    public WorkloadClass withUnservedPenalty(double penaltyPerMTokens) {
        return new WorkloadClass(id, gbPerMTokens, kwhPerMTokens, maxLatencyMs, OptionalDouble.of(penaltyPerMTokens),
                opexPerMTokens);
    }

    public WorkloadClass withOpexPerMTokens(double opex) {
        return new WorkloadClass(id, gbPerMTokens, kwhPerMTokens, maxLatencyMs, unservedPenaltyPerMTokens, opex);
    }
}
