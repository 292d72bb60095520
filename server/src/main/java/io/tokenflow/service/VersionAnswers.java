package io.tokenflow.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.tokenflow.market.clearing.ClassNetwork;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.UnservedShare;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The answers derived from a version (quotes, site lists, splits, routes), computed once and shared by
 * every reader: prices per (version, origin, class), delivered-cost site lists per (version, origin,
 * class), splits per (version, class), and class networks per (topology, class). Hit rates go to
 * metrics. Thread-safe: every cache is; the answers are immutable.
 */
final class VersionAnswers {
    private record PriceKey(long version, String origin, String classId) {}

    private record SplitKey(long version, String classId) {}

    private record NetworkKey(ClassNetwork.Topology topology, String classId) {}

    private final Cache<PriceKey, QuotedPrice> prices;
    private final Cache<PriceKey, List<DeliverySite>> sites;
    /** Per (version, class): every origin → its route table, in scenario order. */
    private final Cache<SplitKey, Map<String, RouteTable>> splits;
    private final Cache<NetworkKey, ClassNetwork> networks;

    VersionAnswers(long maxEntries, MeterRegistry meters) {
        prices = cache("prices", maxEntries, meters);
        sites = cache("sites", maxEntries, meters);
        splits = cache("splits", maxEntries, meters);
        networks = cache("class_networks", maxEntries, meters);
    }

    private static <K, V> Cache<K, V> cache(String name, long maxEntries, MeterRegistry meters) {
        // maintenance runs on the reading thread: handing it to the common pool costs a thread wake-up
        // per drain, which on a busy 2-core machine is dearer than the work itself
        Cache<K, V> cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run)
                .recordStats().build();
        CaffeineCacheMetrics.monitor(meters, cache, "tokenflow." + name);
        return cache;
    }

    /** Answers of superseded versions only serve readers that took the old state a moment ago. */
    void dropSupersededVersions() {
        prices.invalidateAll();
        sites.invalidateAll();
        splits.invalidateAll();
    }

    Quote quote(MarketState current, String origin, String classId) {
        current.snapshot().requireKnown(origin, classId);
        return new Quote(current, quoted(current.snapshot(), origin, classId));
    }

    private QuotedPrice quoted(MarketSnapshot snapshot, String origin, String classId) {
        return prices.get(new PriceKey(snapshot.version(), origin, classId),
                k -> new QuotedPrice(snapshot.result().price(origin, classId),
                        snapshot.analysis().unserved(origin, classId)));
    }

    FeasibleSites feasibleSites(MarketState current, String origin, String classId) {
        MarketSnapshot snapshot = current.snapshot();
        snapshot.requireKnown(origin, classId);
        RouteTable table = tables(snapshot, classId).get(origin);
        List<SiteOffer> offers = sites(snapshot, origin, classId).stream()
                .map(site -> new SiteOffer(site, table.shareOf(site.node())))
                .toList();
        return new FeasibleSites(current, origin, classId, offers, quoted(snapshot, origin, classId).unserved());
    }

    /**
     * Where to send one request (see {@link PublishedMarket#route}): the request id's point draws from the
     * origin's split, whose unserved share sheds; an origin that neither serves nor sheds any (no demand)
     * goes to its marginal unit's site;
     * with exclusions, unless the id drew the unserved share, the cheapest remaining site with spare
     * capacity, and none with spare leaves the request unserved.
     */
    RouteDecision route(MarketState current, String origin, String classId, String requestId,
            Collection<String> excludedNodes) {
        MarketSnapshot snapshot = current.snapshot();
        snapshot.requireKnown(origin, classId);
        if (requestId == null || requestId.isEmpty()) {
            throw new IllegalArgumentException("request_id must not be empty");
        }
        excludedNodes.forEach(snapshot::requireNode);
        QuotedPrice quoted = quoted(snapshot, origin, classId);
        NodePrice price = quoted.price();
        UnservedShare unserved = quoted.unserved();
        RouteTable table = tables(snapshot, classId).get(origin);
        if (table.split().drawsFromSplit()) {
            Optional<ServingShare> pick = table.pick(RequestHash.unitInterval(requestId));
            if (pick.isEmpty()) {
                return unservedRoute(current, classId, price, unserved);
            }
            if (excludedNodes.isEmpty()) {
                ServingShare s = pick.get();
                return new RouteDecision(current, Optional.of(s.site()), s.path(), RouteDecision.Reason.CLEARED_SPLIT,
                        price, deliveredCost(snapshot, origin, classId, s.site()), s.share(), s.latencyMs(),
                        unserved, Optional.empty());
            }
        } else if (excludedNodes.isEmpty() && price.servingNode().isPresent()) {
            String site = price.servingNode().get();
            return new RouteDecision(current, Optional.of(site), price.path(), RouteDecision.Reason.MARGINAL_SITE,
                    price, deliveredCost(snapshot, origin, classId, site), 0, table.split().marginalLatencyMs(),
                    unserved, Optional.empty());
        }
        // a rerouted request must not land where the cleared market has no room left: it would queue there
        Set<String> excluded = Set.copyOf(excludedNodes);
        boolean remains = false;
        for (DeliverySite site : sites(snapshot, origin, classId)) {
            if (excluded.contains(site.node())) {
                continue;
            }
            remains = true;
            if (site.hasSpareCapacity()) {
                return new RouteDecision(current, Optional.of(site.node()), site.path(),
                        RouteDecision.Reason.CHEAPEST_REMAINING, price, site.deliveredCost(), table.shareOf(site.node()),
                        site.latencyMs(), unserved, Optional.empty());
            }
        }
        if (remains) {
            return unservedRoute(current, classId, price, unserved);
        }
        throw new NoFeasibleSiteException("no feasible site for origin '" + origin + "' class '" + classId + "'"
                + (excluded.isEmpty() ? "" : " remains after excluding " + excludedNodes));
    }

    private static RouteDecision unservedRoute(MarketState current, String classId, NodePrice price,
            UnservedShare unserved) {
        WorkloadClass cls = current.snapshot().scenario().workloadClass(classId);
        // the live market gives every class a penalty; a must-serve class (tests publishing by hand) books π
        double penalty = cls.unservedPenaltyPerMTokens().orElse(price.price());
        return new RouteDecision(current, Optional.empty(), List.of(), RouteDecision.Reason.UNSERVED, price, penalty,
                0, 0, unserved, Optional.of(UnservedHint.of(cls)));
    }

    private double deliveredCost(MarketSnapshot snapshot, String origin, String classId, String site) {
        return sites(snapshot, origin, classId).stream()
                .filter(s -> s.node().equals(site))
                .mapToDouble(DeliverySite::deliveredCost)
                .findFirst()
                .orElse(Double.NaN);
    }

    private List<DeliverySite> sites(MarketSnapshot snapshot, String origin, String classId) {
        return sites.get(new PriceKey(snapshot.version(), origin, classId),
                k -> snapshot.analysis().feasibleSites(network(snapshot, classId), origin));
    }

    private ClassNetwork network(MarketSnapshot snapshot, String classId) {
        return networks.get(new NetworkKey(snapshot.topology(), classId),
                k -> ClassNetwork.of(snapshot.scenario(), classId));
    }

    private Map<String, RouteTable> tables(MarketSnapshot snapshot, String classId) {
        return splits.get(new SplitKey(snapshot.version(), classId), k -> {
            WorkloadClass cls = snapshot.scenario().workloadClass(classId);
            Map<String, List<ServingShare>> served = snapshot.analysis().servingSplit(classId);
            Map<String, RouteTable> tables = new LinkedHashMap<>();
            Map<String, List<String>> marginalPaths = new java.util.HashMap<>();
            snapshot.result().prices().stream().filter(p -> p.classId().equals(classId))
                    .forEach(p -> marginalPaths.put(p.node(), p.path()));
            snapshot.scenario().nodes().forEach(n -> {
                List<String> marginalPath = marginalPaths.getOrDefault(n.id(), List.of());
                tables.put(n.id(), new RouteTable(new OriginSplit(served.getOrDefault(n.id(), List.of()),
                        snapshot.analysis().unserved(n.id(), classId), UnservedHint.of(cls),
                        snapshot.analysis().latencyMs(marginalPath))));
            });
            return java.util.Collections.unmodifiableMap(tables);
        });
    }

    /** Every origin's split of one class in a version, in scenario order. */
    Map<String, OriginSplit> splits(MarketSnapshot snapshot, String classId) {
        snapshot.requireClass(classId);
        Map<String, OriginSplit> out = new LinkedHashMap<>();
        tables(snapshot, classId).forEach((origin, table) -> out.put(origin, table.split()));
        return out;
    }
}
