package io.tokenflow.market.solution;

import java.util.List;

/**
 * The settlement of one clearing line by line, for billing: what each origin × class pays, what each
 * node × class and each link earns, all in $/hr while the clearing is in force. The lines add up to
 * {@code totals} (the engine's {@link Settlement}).
 */
public record SettlementStatement(
        List<Payment> payments, List<ComputeEarning> compute, List<NetworkEarning> network, Settlement totals) {

    public SettlementStatement {
        payments = List.copyOf(payments);
        compute = List.copyOf(compute);
        network = List.copyOf(network);
    }

    /** Users at an origin pay π on their served tokens. */
    public record Payment(
            String origin, String classId, double servedTokensPerSecond, double pricePerMTokens, double amountPerHour) {}

    /** A node is paid g + μ on the tokens it processes. */
    public record ComputeEarning(
            String node, String classId, double processedTokensPerSecond, double ratePerMTokens, double amountPerHour) {}

    /** A link is paid its tariff on the GB it carries plus the congestion rent on its traffic. */
    public record NetworkEarning(
            String from, String to, double tokensPerSecond, double gbPerSecond, double tariffPerHour,
            double congestionRentPerHour) {

        public double amountPerHour() {
            return tariffPerHour + congestionRentPerHour;
        }
    }
}
