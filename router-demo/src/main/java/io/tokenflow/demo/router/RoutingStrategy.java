package io.tokenflow.demo.router;

/** Picks a serving site for one request. Implementations are used from one thread. */
public interface RoutingStrategy {

    /** {@code nearest}, {@code static-cheapest} or {@code oracle}. */
    String name();

    /**
     * Where to send one request.
     *
     * @return the site and the path to it, {@link RouteChoice#shedding()} to drop the request, or {@code null}
     *         when the strategy knows no feasible site
     */
    RouteChoice choose(String origin, String workloadClass, String requestId);

    /**
     * As {@link #choose(String, String, String)}, hearing the sites' push-back; a strategy that does not
     * listen (a static table) need not override it.
     */
    default RouteChoice choose(String origin, String workloadClass, String requestId, SitePushBack pushBack) {
        return choose(origin, workloadClass, requestId);
    }

    /** Called after the market published a new version; strategies that follow the market re-read it. */
    default void onNewVersion() {}
}
