package io.tokenflow.market.model;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A compute node j: a data-centre site with an electricity price and a serving capacity per class.
 *
 * @param id                      unique id, {@code [a-z0-9][a-z0-9_-]*}
 * @param name                    display name (defaults to the id)
 * @param lat                     latitude in degrees, for maps; may be absent
 * @param lon                     longitude in degrees, for maps; may be absent
 * @param electricityPricePerKwh  p_j ($/kWh)
 * @param opexPerMTokens          non-energy cost per processed M tokens at this node, every class
 * @param capacityTokensPerSecond C_j,k by class id; a class not listed has capacity 0
 */
public record ComputeNode(
        String id,
        String name,
        OptionalDouble lat,
        OptionalDouble lon,
        double electricityPricePerKwh,
        double opexPerMTokens,
        Map<String, Double> capacityTokensPerSecond) {

    public ComputeNode {
        Checks.id("node ", "id", id);
        String subject = "node '" + id + "' ";
        if (name == null) {
            name = id;
        }
        if (lat == null || lon == null) {
            throw new InvalidScenarioException(subject + "lat/lon must be OptionalDouble.empty(), not null");
        }
        lat.ifPresent(v -> Checks.within(subject, "lat", v, -90, 90));
        lon.ifPresent(v -> Checks.within(subject, "lon", v, -180, 180));
        Checks.nonNegative(subject, "electricityPricePerKwh", electricityPricePerKwh);
        Checks.nonNegative(subject, "opexPerMTokens", opexPerMTokens);
        if (capacityTokensPerSecond == null) {
            throw new InvalidScenarioException(subject + "capacityTokensPerSecond must not be null");
        }
        // sorted, so that equal nodes print and compare the same whatever order they were read in
        TreeMap<String, Double> sorted = new TreeMap<>();
        for (Map.Entry<String, Double> e : capacityTokensPerSecond.entrySet()) {
            String cls = Checks.id(subject, "capacityTokensPerSecond class", e.getKey());
            double v = e.getValue() == null ? Double.NaN : e.getValue();
            sorted.put(cls, Checks.nonNegative(subject, "capacityTokensPerSecond for class '" + cls + "'", v));
        }
        capacityTokensPerSecond = java.util.Collections.unmodifiableMap(sorted);
    }

    /** C_j,k in tokens/s; 0 for a class the node does not list. */
    public double capacityOf(String classId) {
        return capacityTokensPerSecond.getOrDefault(classId, 0.0);
    }

    public ComputeNode withCapacity(String classId, double tokensPerSecond) {
        TreeMap<String, Double> updated = new TreeMap<>(capacityTokensPerSecond);
        updated.put(classId, tokensPerSecond);
        return new ComputeNode(id, name, lat, lon, electricityPricePerKwh, opexPerMTokens, updated);
    }

    public ComputeNode withElectricityPrice(double pricePerKwh) {
        return new ComputeNode(id, name, lat, lon, pricePerKwh, opexPerMTokens, capacityTokensPerSecond);
    }
}
