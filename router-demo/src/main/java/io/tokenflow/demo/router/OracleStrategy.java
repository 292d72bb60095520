package io.tokenflow.demo.router;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.PricingOracleClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle's Route: SDK {@code route(origin, class, requestId)}, which draws the site from the
 * cleared flow split by the request id (locally, from the SDK's WatchPrices table) and sheds the share
 * of the origin's demand the market leaves unserved. Follows every new version by itself.
 *
 * <p>A shed request is dropped whatever the hint: a QUEUE hint lets a request wait at the origin for a
 * later version that serves it, but within the demo's window the shortage does not lift (the only new
 * version, the capacity drop, deepens it), so a held request would go unserved all the same.
 *
 * <p>When the drawn site pushes back (busy), the request asks Route again without it, which offers the
 * cheapest remaining site with spare capacity in the cleared market, and goes there unless that one is
 * busy too, then without both, up to {@value #MAX_SPILLS} busy sites; if all are busy it waits at the
 * site it drew. Why: the market loads many sites to exactly their capacity, and a site sent exactly what it
 * can serve on average builds a backlog like a random walk (σ√(2T/π) after T seconds); spilling the
 * excess of a busy moment to a site with room costs the price difference, a few cents per M tokens,
 * where a backlog still waiting at the end costs the penalty.
 */
public final class OracleStrategy implements RoutingStrategy {
    /** Busy sites a request steps past before it waits at the site it drew. */
    static final int MAX_SPILLS = 3;

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
        return choose(origin, workloadClass, requestId, SitePushBack.NONE);
    }

    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId, SitePushBack pushBack) {
        try {
            OracleRoute route = client.route(origin, workloadClass, requestId);
            if (!route.served()) {
                return RouteChoice.shedding();
            }
            List<String> busy = new ArrayList<>();
            OracleRoute spill = route;
            while (pushBack.busy(spill.servingNode(), workloadClass) && busy.size() < MAX_SPILLS) {
                busy.add(spill.servingNode());
                spill = client.route(origin, workloadClass, requestId, busy);
                if (!spill.served()) {
                    break; // no remaining site has room in the cleared market
                }
                if (!pushBack.busy(spill.servingNode(), workloadClass)) {
                    return new RouteChoice(spill.servingNode(), spill.path());
                }
            }
            return new RouteChoice(route.servingNode(), route.path());
        } catch (OracleException e) {
            return null;
        }
    }
}
