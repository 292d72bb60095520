package io.tokenflow.client;

/** p_node := pricePerKwh, $/kWh. */
public record ElectricityPriceChange(String node, double pricePerKwh) {}
