package io.tokenflow.market.solution;

/**
 * Payments implied by the duals (paper §2.4), all in $/hr.
 *
 * <p>Users pay π_j,k on the tokens that are served, (d_j,k − y_j,k); unserved tokens are not billed,
 * since π equals the penalty ρ wherever demand goes unserved and charging it would bill users for
 * service they did not get. Compute providers receive (g + μ)·x; network providers receive
 * (tariff·GB + congestion rent) on carried traffic. The residual is the merchandising surplus: by
 * complementary slackness it equals the route costs c^route·f, which no provider is paid.
 *
 * @param routeCostPerHour Σ c^route·f, the part of the surplus that is route cost (0 when c^route = 0)
 */
public record Settlement(
        double userPaymentsPerHour,
        double computeRevenuePerHour,
        double networkRevenuePerHour,
        double merchandisingSurplusPerHour,
        double routeCostPerHour) {}
