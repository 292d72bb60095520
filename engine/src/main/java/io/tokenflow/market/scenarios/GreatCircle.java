package io.tokenflow.market.scenarios;

/** Great-circle distance on a spherical Earth (haversine, R = 6371 km), as the paper's data pipeline uses. */
final class GreatCircle {
    static final double EARTH_RADIUS_KM = 6371;

    private GreatCircle() {}

    static double km(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
    }
}
