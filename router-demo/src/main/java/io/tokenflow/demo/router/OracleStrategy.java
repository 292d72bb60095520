package io.tokenflow.demo.router;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.PricingOracleClient;

/**
 * The oracle's Route: SDK {@code route(origin, class, requestId)}, which draws the site from the
 * cleared flow split by the request id (locally, from the SDK's WatchPrices table) and sheds the share
 * of the origin's demand the market leaves unserved. Follows every new version by itself.
 *
 * <p>A shed request is dropped whatever the hint: a QUEUE hint lets a request wait at the origin for a
 * later version that serves it, but within the demo's window the shortage does not lift (the only new
 * version, the capacity drop, deepens it), so a held request would go unserved all the same.
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
            return route.served() ? new RouteChoice(route.servingNode(), route.path()) : RouteChoice.shedding();
        } catch (OracleException e) {
            return null;
        }
    }
}
