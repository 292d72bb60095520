package io.tokenflow.service;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.Settlement;
import io.tokenflow.market.solution.SettlementStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one version's market record holds, as flat arrays over its ids ({@link Tables}), the state
 * {@link RecordCodec} encodes from and decodes into: a change record applies to the previous version's
 * tables, so encoder and readers each keep their own. Not thread-safe.
 */
final class RecordTables {
    static final int PRICE_FIELDS = 6;
    static final int PAY_FIELDS = 3;
    static final int COMPUTE_FIELDS = 3;
    static final int NETWORK_FIELDS = 4;
    static final int NOT_SERVED = -1;

    private RecordTables() {}

    /** The ids of a version and where each origin × class and link sits. */
    static final class Layout {
        final List<String> nodes;
        final List<String> classes;
        final int[] linkFrom;
        final int[] linkTo;
        final Map<String, Integer> nodeIndex;
        final Map<String, Integer> classIndex;
        final Map<String, Integer> linkIndex;

        Layout(List<String> nodes, List<String> classes, int[] linkFrom, int[] linkTo) {
            this.nodes = List.copyOf(nodes);
            this.classes = List.copyOf(classes);
            this.linkFrom = linkFrom;
            this.linkTo = linkTo;
            this.nodeIndex = index(this.nodes);
            this.classIndex = index(this.classes);
            Map<String, Integer> links = new HashMap<>();
            for (int a = 0; a < linkFrom.length; a++) {
                links.put(this.nodes.get(linkFrom[a]) + "->" + this.nodes.get(linkTo[a]), a);
            }
            this.linkIndex = links;
        }

        static Layout of(Scenario scenario) {
            List<String> nodes = scenario.nodes().stream().map(ComputeNode::id).toList();
            List<String> classes = scenario.classes().stream().map(WorkloadClass::id).toList();
            Map<String, Integer> at = index(nodes);
            int[] from = new int[scenario.links().size()];
            int[] to = new int[from.length];
            for (int a = 0; a < from.length; a++) {
                Link l = scenario.links().get(a);
                from[a] = at.get(l.from());
                to[a] = at.get(l.to());
            }
            return new Layout(nodes, classes, from, to);
        }

        private static Map<String, Integer> index(List<String> ids) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            return index;
        }

        boolean sameIds(Layout other) {
            return nodes.equals(other.nodes) && classes.equals(other.classes) && Arrays.equals(linkFrom, other.linkFrom)
                    && Arrays.equals(linkTo, other.linkTo);
        }

        int slots() {
            return nodes.size() * classes.size();
        }

        /** The pair's slot, or -1 if this layout lacks the origin or class. */
        int slot(String node, String classId) {
            Integer j = nodeIndex.get(node);
            Integer k = classIndex.get(classId);
            return j == null || k == null ? -1 : j * classes.size() + k;
        }

        int requireSlot(String node, String classId) {
            int slot = slot(node, classId);
            if (slot < 0) {
                throw new IllegalArgumentException("node '" + node + "' class '" + classId + "' is not in the market");
            }
            return slot;
        }

        int requireLink(String from, String to) {
            Integer a = linkIndex.get(from + "->" + to);
            if (a == null) {
                throw new IllegalArgumentException("link '" + from + "->" + to + "' is not in the market");
            }
            return a;
        }
    }

    /** One keyed table of settlement lines: values per key, which keys are present, and their order. */
    static final class Lines {
        final int fields;
        final double[] values;
        final boolean[] present;
        int[] order;

        Lines(int keys, int fields) {
            this.fields = fields;
            this.values = new double[keys * fields];
            this.present = new boolean[keys];
            this.order = new int[0];
        }

        boolean sameAt(Lines other, int key) {
            for (int f = 0; f < fields; f++) {
                if (Double.doubleToRawLongBits(values[key * fields + f])
                        != Double.doubleToRawLongBits(other.values[key * fields + f])) {
                    return false;
                }
            }
            return true;
        }

        boolean inKeyOrder() {
            for (int i = 1; i < order.length; i++) {
                if (order[i] <= order[i - 1]) {
                    return false;
                }
            }
            return true;
        }

        /** The order after a change record: every present key, ascending. */
        void orderByKey() {
            int n = 0;
            for (boolean p : present) {
                n += p ? 1 : 0;
            }
            int[] keys = new int[n];
            int i = 0;
            for (int k = 0; k < present.length; k++) {
                if (present[k]) {
                    keys[i++] = k;
                }
            }
            order = keys;
        }
    }

    /** Everything a version's record says, as flat arrays over its layout. */
    static final class Tables {
        final Layout layout;
        final double[] prices;
        final int[] serving;
        VersionCauses causes;
        final double[] totals = new double[5];
        final Lines payments;
        final Lines compute;
        final Lines network;

        Tables(Layout layout) {
            this.layout = layout;
            this.prices = new double[layout.slots() * PRICE_FIELDS];
            this.serving = new int[layout.slots()];
            Arrays.fill(serving, NOT_SERVED);
            this.payments = new Lines(layout.slots(), PAY_FIELDS);
            this.compute = new Lines(layout.slots(), COMPUTE_FIELDS);
            this.network = new Lines(layout.linkFrom.length, NETWORK_FIELDS);
        }

        /** The tables of a published version. */
        static Tables of(Layout layout, ClearingResult result, SettlementStatement statement, VersionCauses causes) {
            Tables t = new Tables(layout);
            for (NodePrice p : result.prices()) {
                int slot = layout.requireSlot(p.node(), p.classId());
                int at = slot * PRICE_FIELDS;
                t.prices[at] = p.price();
                t.prices[at + 1] = p.energy();
                t.prices[at + 2] = p.scarcity();
                t.prices[at + 3] = p.routing();
                t.prices[at + 4] = p.congestion();
                t.prices[at + 5] = p.unservedPenalty();
                t.serving[slot] = p.servingNode().map(n -> layout.nodeIndex.getOrDefault(n, NOT_SERVED))
                        .orElse(NOT_SERVED);
            }
            t.causes = causes;
            Settlement s = statement.totals();
            t.totals[0] = s.userPaymentsPerHour();
            t.totals[1] = s.computeRevenuePerHour();
            t.totals[2] = s.networkRevenuePerHour();
            t.totals[3] = s.merchandisingSurplusPerHour();
            t.totals[4] = s.routeCostPerHour();
            int[] order = new int[statement.payments().size()];
            for (int i = 0; i < order.length; i++) {
                SettlementStatement.Payment p = statement.payments().get(i);
                order[i] = put(t.payments, layout.requireSlot(p.origin(), p.classId()), p.servedTokensPerSecond(),
                        p.pricePerMTokens(), p.amountPerHour());
            }
            t.payments.order = order;
            order = new int[statement.compute().size()];
            for (int i = 0; i < order.length; i++) {
                SettlementStatement.ComputeEarning c = statement.compute().get(i);
                order[i] = put(t.compute, layout.requireSlot(c.node(), c.classId()), c.processedTokensPerSecond(),
                        c.ratePerMTokens(), c.amountPerHour());
            }
            t.compute.order = order;
            order = new int[statement.network().size()];
            for (int i = 0; i < order.length; i++) {
                SettlementStatement.NetworkEarning n = statement.network().get(i);
                order[i] = put(t.network, layout.requireLink(n.from(), n.to()), n.tokensPerSecond(), n.gbPerSecond(),
                        n.tariffPerHour(), n.congestionRentPerHour());
            }
            t.network.order = order;
            return t;
        }

        private static int put(Lines lines, int key, double... values) {
            if (lines.present[key]) {
                throw new IllegalArgumentException("a settlement lists one line twice (key " + key + ")");
            }
            lines.present[key] = true;
            System.arraycopy(values, 0, lines.values, key * lines.fields, lines.fields);
            return key;
        }

        boolean priceSame(Tables other, int slot) {
            if (serving[slot] != other.serving[slot]) {
                return false;
            }
            for (int f = 0; f < PRICE_FIELDS; f++) {
                int at = slot * PRICE_FIELDS + f;
                if (Double.doubleToRawLongBits(prices[at]) != Double.doubleToRawLongBits(other.prices[at])) {
                    return false;
                }
            }
            return true;
        }

        /** Whether a change record from {@code previous} can say this version. */
        boolean changeableFrom(Tables previous) {
            return previous != null && previous.layout.sameIds(layout) && payments.inKeyOrder()
                    && compute.inKeyOrder() && network.inKeyOrder();
        }

        SettlementStatement statement() {
            List<SettlementStatement.Payment> pay = new ArrayList<>(payments.order.length);
            int classes = layout.classes.size();
            for (int key : payments.order) {
                int at = key * PAY_FIELDS;
                pay.add(new SettlementStatement.Payment(layout.nodes.get(key / classes), layout.classes.get(key % classes),
                        payments.values[at], payments.values[at + 1], payments.values[at + 2]));
            }
            List<SettlementStatement.ComputeEarning> comp = new ArrayList<>(compute.order.length);
            for (int key : compute.order) {
                int at = key * COMPUTE_FIELDS;
                comp.add(new SettlementStatement.ComputeEarning(layout.nodes.get(key / classes),
                        layout.classes.get(key % classes), compute.values[at], compute.values[at + 1],
                        compute.values[at + 2]));
            }
            List<SettlementStatement.NetworkEarning> net = new ArrayList<>(network.order.length);
            for (int key : network.order) {
                int at = key * NETWORK_FIELDS;
                net.add(new SettlementStatement.NetworkEarning(layout.nodes.get(layout.linkFrom[key]),
                        layout.nodes.get(layout.linkTo[key]), network.values[at], network.values[at + 1],
                        network.values[at + 2], network.values[at + 3]));
            }
            return new SettlementStatement(pay, comp, net,
                    new Settlement(totals[0], totals[1], totals[2], totals[3], totals[4]));
        }

        PricePoint point(long version, Instant clearedAt, int slot) {
            int at = slot * PRICE_FIELDS;
            int node = serving[slot];
            return new PricePoint(version, clearedAt, prices[at], prices[at + 1], prices[at + 2], prices[at + 3],
                    prices[at + 4], prices[at + 5], node == NOT_SERVED ? Optional.empty()
                            : Optional.of(layout.nodes.get(node)), causes);
        }
    }
}
