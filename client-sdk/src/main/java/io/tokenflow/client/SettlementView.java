package io.tokenflow.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The settlement record of one cleared version: who pays and who is paid, $/hr while it was in force
 * (from {@code clearedAt} until {@code supersededAt}).
 *
 * @param supersededAt when the next version replaced it; empty for the current version
 */
public record SettlementView(
        long marketVersion,
        Instant clearedAt,
        Optional<Instant> supersededAt,
        List<Payment> payments,
        List<ComputeRevenue> computeRevenue,
        List<NetworkRevenue> networkRevenue,
        SettlementTotals totals) {

    public SettlementView {
        payments = List.copyOf(payments);
        computeRevenue = List.copyOf(computeRevenue);
        networkRevenue = List.copyOf(networkRevenue);
    }

    /** What the users at one origin pay for one class: served tokens × π. */
    public record Payment(String origin, String workloadClass, double servedTokensPerSecond, double pricePerMTokens,
            double amountPerHour) {}

    /** What one node earns for one class: processed tokens × (energy g + scarcity μ). */
    public record ComputeRevenue(String node, String workloadClass, double processedTokensPerSecond,
            double ratePerMTokens, double amountPerHour) {}

    /** What one directed link earns: transfer tariffs plus congestion rent on the traffic it carries. */
    public record NetworkRevenue(String fromNode, String toNode, double tokensPerSecond, double gbPerSecond,
            double tariffPerHour, double congestionRentPerHour, double amountPerHour) {}
}
