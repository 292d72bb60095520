package io.tokenflow.market.scenarios;

/**
 * One data-centre hub of a registry file: where it is, how big, what its power costs, how much
 * demand it originates, and where each of those numbers comes from.
 */
record Hub(
        String id,
        String name,
        String state,
        double lat,
        double lon,
        double megawatts,
        double electricityPricePerKwh,
        double demandWeight,
        boolean backbone,
        String provenance) {}
