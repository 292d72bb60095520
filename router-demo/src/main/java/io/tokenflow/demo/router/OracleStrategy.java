package io.tokenflow.demo.router;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.PricingOracleClient;

/**
 * The oracle's Route: SDK {@code route(origin, class, requestId)}, which draws the site from the
 * cleared flow split by the request id (locally, from the SDK's WatchPrices table). Follows every new
 * version by itself.
 */
public final class OracleStrategy implements RoutingStrategy {
    private final PricingOracleClient client;

    public OracleStrategy(PricingOracleClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId) {
        try {
            OracleRoute route = client.route(origin, workloadClass, requestId);
            return new RouteChoice(route.servingNode(), route.path());
        } catch (OracleException e) {
            return null;
        }
    }
}
