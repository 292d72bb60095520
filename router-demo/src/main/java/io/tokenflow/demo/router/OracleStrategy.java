package io.tokenflow.demo.router;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.OracleSite;
import io.tokenflow.client.PricingOracleClient;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle's Route: SDK {@code route(origin, class, requestId)}, which draws the site from the cleared
 * flow split by the request id (locally, from the SDK's WatchPrices table) and sheds the share of the
 * origin's demand the market leaves unserved, corrected by what the sites say right now.
 *
 * <ol>
 *   <li>A request drawn to a site that is not busy goes there.</li>
 *   <li>A request drawn to a busy site, or drawn into the unserved share, goes to the feasible site with
 *       room at this moment (not busy) that costs least to serve it now: energy + routing + congestion
 *       ({@link OracleSite#idleCapacityCostPerMTokens()}), without the scarcity rent, since capacity idle
 *       this moment displaces no planned flow.</li>
 *   <li>With no such site, a request Route shed is shed, and one it placed waits at the site it drew,
 *       unless that site is already {@value #MAX_BACKLOG_SECONDS} s behind: then it is shed too.</li>
 * </ol>
 *
 * <p>Why: the market is a fluid optimum, and the trace's arrivals swing around its rates. The market
 * loads many sites to exactly their capacity, so a site sent exactly its share builds a backlog like a
 * random walk (σ√(2T/π) after T seconds) that still waits at the end, at the penalty; spilling a busy
 * moment to a site with room costs the difference in energy and routing. And Route sheds the unserved
 * share y/d of the rate it cleared, where the sites, at times, have room for a request it shed: serving
 * it costs dollars per M tokens, shedding it the penalty. When the sites are full, nothing has room, and
 * the router sheds what the market sheds. A shed request is dropped whatever the hint: a QUEUE hint lets
 * it wait at the origin for a version that serves it, but within the demo's window the shortage does
 * not lift.
 */
public final class OracleStrategy implements RoutingStrategy {
    /** A site this far behind takes no more waiting work: the demo's sites reject past 5 s. */
    static final double MAX_BACKLOG_SECONDS = 2.0;

    private static final Comparator<OracleSite> CHEAPEST_NOW = Comparator
            .comparingDouble(OracleSite::idleCapacityCostPerMTokens)
            .thenComparingDouble(OracleSite::deliveredCostPerMTokens)
            .thenComparing(OracleSite::node);

    private final PricingOracleClient client;
    private final SiteTable sites;
    /** Per origin × class, its feasible sites cheapest-now first; per version. */
    private final Map<String, List<OracleSite>> byCostNow = new HashMap<>();
    private final long[] decisions = new long[Decision.values().length];

    public OracleStrategy(PricingOracleClient client) {
        this.client = client;
        this.sites = new SiteTable(client);
    }

    @Override
    public String name() {
        return "oracle";
    }

    /** Without push-back: Route's answer as it is, the drawn site or shed. */
    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId) {
        try {
            OracleRoute route = client.route(origin, workloadClass, requestId);
            return route.served() ? new RouteChoice(route.servingNode(), route.path()) : RouteChoice.shedding();
        } catch (OracleException e) {
            return null;
        }
    }

    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId, SitePushBack pushBack) {
        if (pushBack == SitePushBack.NONE) {
            return choose(origin, workloadClass, requestId); // hearing nothing is not hearing "room"
        }
        try {
            OracleRoute route = client.route(origin, workloadClass, requestId);
            if (route.served() && !pushBack.busy(route.servingNode(), workloadClass)) {
                decisions[Decision.AS_DRAWN.ordinal()]++;
                return new RouteChoice(route.servingNode(), route.path());
            }
            for (OracleSite s : cheapestNow(origin, workloadClass)) {
                if (!pushBack.busy(s.node(), workloadClass)) {
                    decisions[(route.served() ? Decision.SPILLED : Decision.SHED_BY_ROUTE_SERVED).ordinal()]++;
                    return new RouteChoice(s.node(), s.path());
                }
            }
            if (!route.served()) {
                decisions[Decision.SHED_AS_ROUTE.ordinal()]++;
                return RouteChoice.shedding();
            }
            if (pushBack.backlogSeconds(route.servingNode(), workloadClass) >= MAX_BACKLOG_SECONDS) {
                decisions[Decision.SHED_SITE_BEHIND.ordinal()]++;
                return RouteChoice.shedding();
            }
            decisions[Decision.WAITED.ordinal()]++;
            return new RouteChoice(route.servingNode(), route.path());
        } catch (OracleException e) {
            return null;
        }
    }

    /** What became of the requests routed with push-back, by rule. */
    public enum Decision {
        /** sent to the site Route drew, which had room */
        AS_DRAWN,
        /** Route's site was busy: sent to the site with room cheapest to serve now */
        SPILLED,
        /** Route shed it, and a site had room: served there */
        SHED_BY_ROUTE_SERVED,
        /** Route shed it, and no site had room */
        SHED_AS_ROUTE,
        /** every site busy and Route's site {@value OracleStrategy#MAX_BACKLOG_SECONDS} s behind */
        SHED_SITE_BEHIND,
        /** every site busy: waits at Route's site */
        WAITED
    }

    /** Requests per {@link Decision} so far. */
    public Map<Decision, Long> decisions() {
        Map<Decision, Long> out = new java.util.EnumMap<>(Decision.class);
        for (Decision d : Decision.values()) {
            out.put(d, decisions[d.ordinal()]);
        }
        return out;
    }

    private List<OracleSite> cheapestNow(String origin, String workloadClass) {
        return byCostNow.computeIfAbsent(origin + '\u0000' + workloadClass,
                k -> sites.of(origin, workloadClass).stream().sorted(CHEAPEST_NOW).toList());
    }

    @Override
    public void onNewVersion() {
        sites.clear();
        byCostNow.clear();
    }
}
