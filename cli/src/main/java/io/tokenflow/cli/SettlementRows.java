package io.tokenflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.client.SettlementTotals;
import io.tokenflow.client.SettlementView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/**
 * A settlement record as billing reads it: CSV rows, one per money flow, or one JSON line in the proto3
 * JSON mapping of {@code tokenflow.v1.SettlementRecord} (proto field names; uint64 as a string and
 * timestamps in RFC 3339, as that mapping says; every field present, zeros included, which any proto3
 * JSON parser accepts). Stateless.
 */
final class SettlementRows {
    static final String CSV_HEADER = "market_version,cleared_at,superseded_at,kind,node,workload_class,"
            + "from_node,to_node,tokens_per_second,rate_per_m_tokens,amount_per_hour";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SettlementRows() {}

    static void csv(SettlementView r, PrintWriter w) {
        String head = r.marketVersion() + "," + r.clearedAt() + "," + r.supersededAt().map(Instant::toString).orElse("")
                + ",";
        for (SettlementView.Payment p : r.payments()) {
            w.println(head + "payment," + p.origin() + "," + p.workloadClass() + ",,,"
                    + num(p.servedTokensPerSecond()) + "," + num(p.pricePerMTokens()) + "," + num(p.amountPerHour()));
        }
        for (SettlementView.ComputeRevenue c : r.computeRevenue()) {
            w.println(head + "compute," + c.node() + "," + c.workloadClass() + ",,,"
                    + num(c.processedTokensPerSecond()) + "," + num(c.ratePerMTokens()) + "," + num(c.amountPerHour()));
        }
        for (SettlementView.NetworkRevenue n : r.networkRevenue()) {
            String link = head + "%s,,," + n.fromNode() + "," + n.toNode() + "," + num(n.tokensPerSecond()) + ",,";
            w.println(String.format(Locale.ROOT, link, "network_tariff") + num(n.tariffPerHour()));
            w.println(String.format(Locale.ROOT, link, "network_congestion_rent") + num(n.congestionRentPerHour()));
        }
        SettlementTotals t = r.totals();
        w.println(head + "total_user_payments,,,,,,," + num(t.userPaymentsPerHour()));
        w.println(head + "total_compute_revenue,,,,,,," + num(t.computeRevenuePerHour()));
        w.println(head + "total_network_revenue,,,,,,," + num(t.networkRevenuePerHour()));
        w.println(head + "merchandising_surplus,,,,,,," + num(t.merchandisingSurplusPerHour()));
    }

    static String jsonLine(SettlementView r) {
        ObjectNode record = JSON.createObjectNode();
        record.put("market_version", Long.toUnsignedString(r.marketVersion()));
        record.put("cleared_at", r.clearedAt().toString());
        r.supersededAt().ifPresent(t -> record.put("superseded_at", t.toString()));
        ArrayNode payments = record.putArray("payments");
        for (SettlementView.Payment p : r.payments()) {
            payments.addObject().put("origin", p.origin()).put("workload_class", p.workloadClass())
                    .put("served_tokens_per_second", p.servedTokensPerSecond())
                    .put("price_per_m_tokens", p.pricePerMTokens()).put("amount_per_hour", p.amountPerHour());
        }
        ArrayNode compute = record.putArray("compute_revenue");
        for (SettlementView.ComputeRevenue c : r.computeRevenue()) {
            compute.addObject().put("node", c.node()).put("workload_class", c.workloadClass())
                    .put("processed_tokens_per_second", c.processedTokensPerSecond())
                    .put("rate_per_m_tokens", c.ratePerMTokens()).put("amount_per_hour", c.amountPerHour());
        }
        ArrayNode network = record.putArray("network_revenue");
        for (SettlementView.NetworkRevenue n : r.networkRevenue()) {
            network.addObject().put("from_node", n.fromNode()).put("to_node", n.toNode())
                    .put("tokens_per_second", n.tokensPerSecond()).put("gb_per_second", n.gbPerSecond())
                    .put("tariff_per_hour", n.tariffPerHour()).put("congestion_rent_per_hour", n.congestionRentPerHour())
                    .put("amount_per_hour", n.amountPerHour());
        }
        SettlementTotals t = r.totals();
        record.putObject("totals").put("user_payments_per_hour", t.userPaymentsPerHour())
                .put("compute_revenue_per_hour", t.computeRevenuePerHour())
                .put("network_revenue_per_hour", t.networkRevenuePerHour())
                .put("merchandising_surplus_per_hour", t.merchandisingSurplusPerHour())
                .put("route_cost_per_hour", t.routeCostPerHour());
        return record.toString();
    }

    /** Shortest text that reads back to the same double (ids never contain commas: [a-z0-9_-]). */
    private static String num(double v) {
        return Double.toString(v);
    }
}
