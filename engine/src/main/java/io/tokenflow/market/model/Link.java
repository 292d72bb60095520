package io.tokenflow.market.model;

/**
 * One directed arc (i, j) of the communication network; a two-way link is two arcs.
 *
 * @param from                 sending node id
 * @param to                   receiving node id
 * @param capacityGbps         physical capacity; W_ij = capacityGbps / 8 GB/s
 * @param latencyMs            τ_ij, compared with each class's latency limit
 * @param tariffPerGb          w_ij, the transfer tariff ($/GB) paid to the network provider
 * @param routeCostPerMTokens  c^route_ij: non-tariff delivery cost (latency penalty etc.), paid to nobody
 */
public record Link(
        String from,
        String to,
        double capacityGbps,
        double latencyMs,
        double tariffPerGb,
        double routeCostPerMTokens) {

    public Link {
        Checks.id("link ", "from", from);
        Checks.id("link ", "to", to);
        String subject = "link '" + from + "'->'" + to + "' ";
        if (from.equals(to)) {
            throw new InvalidScenarioException(subject + "must join two different nodes, got a link to itself");
        }
        Checks.nonNegative(subject, "capacityGbps", capacityGbps);
        Checks.nonNegative(subject, "latencyMs", latencyMs);
        Checks.nonNegative(subject, "tariffPerGb", tariffPerGb);
        Checks.nonNegative(subject, "routeCostPerMTokens", routeCostPerMTokens);
    }

    /** W_ij in GB/s. */
    public double capacityGbPerSecond() {
        return capacityGbps / 8.0;
    }

    public String label() {
        return from + "->" + to;
    }

    public Link withCapacityGbps(double gbps) {
        return new Link(from, to, gbps, latencyMs, tariffPerGb, routeCostPerMTokens);
    }
}
