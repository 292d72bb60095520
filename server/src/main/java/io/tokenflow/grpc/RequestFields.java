package io.tokenflow.grpc;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.DemandUpdate;
import io.tokenflow.api.v1.ElectricityPriceUpdate;
import io.tokenflow.api.v1.LinkCapacityUpdate;
import io.tokenflow.market.model.MarketUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks request fields that proto3 cannot (required ids, finite non-negative numbers) and turns
 * update messages into domain updates. Messages name the field by its proto path and its value.
 */
final class RequestFields {
    /** The largest value an update may set, as in scenario files (beyond it the LP turns unsound). */
    static final double MAX_VALUE = 1e12;

    private RequestFields() {}

    static String id(String field, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        return value;
    }

    /**
     * An optional point in time: null when unset; else it must be a valid Timestamp (seconds within
     * 0001-01-01..9999-12-31, nanos in [0, 999999999]) or the message names the part out of range.
     */
    static Instant optionalTime(String field, boolean set, Timestamp value) {
        if (!set) {
            return null;
        }
        if (value.getNanos() < 0 || value.getNanos() >= 1_000_000_000) {
            throw new IllegalArgumentException(field + ": nanos must be in [0, 999999999], got " + value.getNanos());
        }
        if (!Timestamps.isValid(value)) {
            throw new IllegalArgumentException(field + ": seconds must be in [" + Timestamps.MIN_VALUE.getSeconds()
                    + ", " + Timestamps.MAX_VALUE.getSeconds() + "], got " + value.getSeconds());
        }
        return Instant.ofEpochSecond(value.getSeconds(), value.getNanos());
    }

    private static double nonNegative(String field, String subject, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " for " + subject + " must be finite and >= 0, got " + value);
        }
        if (value > MAX_VALUE) {
            throw new IllegalArgumentException(field + " for " + subject + " must be <= 1e12, got " + value);
        }
        return value;
    }

    static List<MarketUpdate> capacity(List<CapacityUpdate> updates) {
        List<MarketUpdate> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            CapacityUpdate u = updates.get(i);
            String at = "updates[" + i + "]";
            String node = id(at + ".node", u.getNode());
            String cls = id(at + ".workload_class", u.getWorkloadClass());
            out.add(new MarketUpdate.CapacityUpdate(node, cls, nonNegative(at + ".tokens_per_second",
                    "node '" + node + "' class '" + cls + "'", u.getTokensPerSecond())));
        }
        return out;
    }

    static List<MarketUpdate> demand(List<DemandUpdate> updates) {
        List<MarketUpdate> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            DemandUpdate u = updates.get(i);
            String at = "updates[" + i + "]";
            String origin = id(at + ".origin", u.getOrigin());
            String cls = id(at + ".workload_class", u.getWorkloadClass());
            out.add(new MarketUpdate.DemandUpdate(origin, cls, nonNegative(at + ".tokens_per_second",
                    "origin '" + origin + "' class '" + cls + "'", u.getTokensPerSecond())));
        }
        return out;
    }

    static List<MarketUpdate> electricityPrice(List<ElectricityPriceUpdate> updates) {
        List<MarketUpdate> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            ElectricityPriceUpdate u = updates.get(i);
            String at = "updates[" + i + "]";
            String node = id(at + ".node", u.getNode());
            out.add(new MarketUpdate.ElectricityPriceUpdate(node, nonNegative(at + ".price_per_kwh",
                    "node '" + node + "'", u.getPricePerKwh())));
        }
        return out;
    }

    static List<MarketUpdate> linkCapacity(List<LinkCapacityUpdate> updates) {
        List<MarketUpdate> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            LinkCapacityUpdate u = updates.get(i);
            String at = "updates[" + i + "]";
            String from = id(at + ".from_node", u.getFromNode());
            String to = id(at + ".to_node", u.getToNode());
            out.add(new MarketUpdate.LinkCapacityUpdate(from, to, nonNegative(at + ".capacity_gbps",
                    "link '" + from + "->" + to + "'", u.getCapacityGbps())));
        }
        return out;
    }
}
