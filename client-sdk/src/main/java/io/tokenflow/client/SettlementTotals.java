package io.tokenflow.client;

/**
 * The money of one cleared version, $/hr while it is in force (the paper's §2.4 settlement): users pay π
 * on served tokens, compute is paid (g + μ) on what it processes, the network its tariffs and rents;
 * {@code userPayments - computeRevenue - networkRevenue = merchandisingSurplus}.
 *
 * @param routeCostPerHour the part of the surplus that is routing cost c·f, paid to nobody
 */
public record SettlementTotals(
        double userPaymentsPerHour,
        double computeRevenuePerHour,
        double networkRevenuePerHour,
        double merchandisingSurplusPerHour,
        double routeCostPerHour) {}
