package io.tokenflow.client;

import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.ServingShare;
import io.tokenflow.api.v1.ServingSplit;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One WatchPrices message made ready to answer from: immutable, so readers share it without locks.
 * Every answer it can give (a quote per origin x class, a route per site of each split) is built once
 * here, so a local quote or route allocates nothing but the request id's bytes.
 */
final class LocalTable {
    final long version;
    final Instant clearedAt;
    final boolean stale;
    /** When the message arrived, by the client's clock (epoch millis): freshness is judged from it. */
    final long receivedAtMillis;
    /** Every node id the table prices (the oracle prices every node as an origin). */
    final Set<String> nodes;
    /** class id → origin → entry. */
    private final Map<String, Map<String, Entry>> byClass;

    LocalTable(PriceTable message, long receivedAtMillis) {
        this.version = message.getMarketVersion();
        this.clearedAt = Instant.ofEpochSecond(message.getClearedAt().getSeconds(), message.getClearedAt().getNanos());
        this.stale = message.getStale();
        this.receivedAtMillis = receivedAtMillis;
        Map<String, Map<String, NodePrice>> prices = new HashMap<>();
        Set<String> nodeIds = new HashSet<>();
        for (NodePrice p : message.getPricesList()) {
            nodeIds.add(p.getNode());
            prices.computeIfAbsent(p.getWorkloadClass(), k -> new HashMap<>()).put(p.getNode(), p);
        }
        Map<String, Map<String, ServingSplit>> splits = new HashMap<>();
        for (ServingSplit s : message.getSplitsList()) {
            splits.computeIfAbsent(s.getWorkloadClass(), k -> new HashMap<>()).put(s.getOrigin(), s);
        }
        Map<String, Map<String, Entry>> entries = new HashMap<>();
        prices.forEach((cls, byOrigin) -> {
            Map<String, Entry> m = new HashMap<>();
            byOrigin.forEach((origin, p) -> {
                ServingSplit split = splits.getOrDefault(cls, Map.of()).get(origin);
                m.put(origin, new Entry(p, split, version, clearedAt, stale));
            });
            entries.put(cls, Map.copyOf(m));
        });
        this.byClass = Map.copyOf(entries);
        this.nodes = Set.copyOf(nodeIds);
    }

    boolean hasClass(String classId) {
        return byClass.containsKey(classId);
    }

    /** The entry of origin x class, or null if the table does not hold it. */
    Entry entry(String origin, String classId) {
        Map<String, Entry> m = byClass.get(classId);
        return m == null ? null : m.get(origin);
    }

    /** Every origin x class of one version: its quote, and its split as cumulative shares. */
    static final class Entry {
        final OracleQuote quote;
        /** Routes drawn from the split (parallel to {@link #upTo}); empty when the origin serves nothing. */
        private final OracleRoute[] routes;
        private final double[] upTo;
        /** The share of the origin's demand left unserved, and the answer for an id that draws it. */
        private final double unservedShare;
        private final OracleRoute unserved;
        /** The marginal unit's site, or null when it goes unserved. */
        final OracleRoute marginal;

        Entry(NodePrice p, ServingSplit split, long version, Instant clearedAt, boolean stale) {
            Optional<String> serving = p.getServingNode().isEmpty() ? Optional.empty() : Optional.of(p.getServingNode());
            ServingSplit s = split == null ? ServingSplit.getDefaultInstance() : split;
            this.unservedShare = s.getUnservedShare();
            this.quote = ProtoViews.quote(p, s.getDemandTokensPerSecond(), s.getUnservedTokensPerSecond(),
                    unservedShare, version, clearedAt, stale, AnswerSource.LOCAL_TABLE);
            List<ServingShare> shares = s.getSharesList();
            this.routes = new OracleRoute[shares.size()];
            this.upTo = new double[shares.size()];
            double sum = 0;
            for (int i = 0; i < shares.size(); i++) {
                ServingShare share = shares.get(i);
                sum += share.getShare();
                upTo[i] = sum;
                routes[i] = new OracleRoute(share.getNode(), share.getPathList(), p.getPricePerMTokens(), version,
                        OracleRoute.Reason.CLEARED_SPLIT, share.getShare(), share.getLatencyMs(),
                        OracleRoute.UnservedHint.NONE, unservedShare, stale, AnswerSource.LOCAL_TABLE);
            }
            this.unserved = unservedShare > 0
                    ? new OracleRoute("", List.of(), p.getPricePerMTokens(), version, OracleRoute.Reason.UNSERVED, 0, 0,
                            ProtoViews.hint(s.getUnservedHint()), unservedShare, stale, AnswerSource.LOCAL_TABLE)
                    : null;
            this.marginal = serving.isEmpty() ? null
                    : new OracleRoute(serving.get(), p.getPathList(), p.getPricePerMTokens(), version,
                            OracleRoute.Reason.MARGINAL_SITE, 0, s.getMarginalLatencyMs(), OracleRoute.UnservedHint.NONE,
                            unservedShare, stale, AnswerSource.LOCAL_TABLE);
        }

        /**
         * The route for {@code requestId} as the oracle's Route picks it (the server's RouteTable: the
         * unserved share takes [1 − u, 1) of the request hash, the rest is stretched onto the split; an
         * origin that neither serves nor sheds any goes to the marginal site), or null if none exists.
         */
        OracleRoute route(String requestId) {
            if (routes.length > 0 || unservedShare > 0) {
                double point = RequestHash.unitInterval(requestId);
                double served = 1 - unservedShare;
                if (point >= served || routes.length == 0) {
                    return unserved;
                }
                return routes[pick(point / served)];
            }
            return marginal;
        }

        /** The server's RouteTable.pick on a point of the served split. */
        private int pick(double point) {
            double scaled = point * upTo[upTo.length - 1]; // shares sum to 1 up to rounding
            for (int i = 0; i < upTo.length - 1; i++) {
                if (scaled < upTo[i]) {
                    return i;
                }
            }
            return upTo.length - 1;
        }
    }
}
