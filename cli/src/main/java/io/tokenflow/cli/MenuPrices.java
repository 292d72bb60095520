package io.tokenflow.cli;

import io.tokenflow.client.OracleQuote;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import java.util.List;

/**
 * Where {@code tokenflow menu} takes the cost of a served token: π(origin, class) of a market cleared
 * here from a scenario, or of the version a running oracle serves (asked through the client SDK).
 */
interface MenuPrices {

    /** π(origin, class), $ per M tokens. */
    double price(String origin, String classId);

    /** Every origin's π for the class, from one market version, in the market's order. */
    List<Origin> all(String classId);

    /** The market the prices come from, for the table's heading. */
    String source();

    /** One origin and its price. */
    record Origin(String origin, double price) {}

    /** The scenario cleared once with GLOP. */
    static MenuPrices cleared(Scenario scenario) {
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        if (!result.optimal()) {
            throw new IllegalArgumentException("--scenario: '" + scenario.name() + "' clears " + result.status()
                    + ", so it has no prices to take the cost from");
        }
        return new MenuPrices() {
            @Override
            public double price(String origin, String classId) {
                requireClass(classId);
                if (scenario.nodes().stream().noneMatch(n -> n.id().equals(origin))) {
                    throw new UnknownIdException("origin", origin);
                }
                return result.price(origin, classId).price();
            }

            @Override
            public List<Origin> all(String classId) {
                requireClass(classId);
                return scenario.nodes().stream().map(ComputeNode::id)
                        .map(o -> new Origin(o, result.price(o, classId).price())).toList();
            }

            private void requireClass(String classId) {
                if (scenario.classes().stream().map(WorkloadClass::id).noneMatch(classId::equals)) {
                    throw new UnknownIdException("class", classId);
                }
            }

            @Override
            public String source() {
                return "scenario '" + scenario.name() + "' cleared with GLOP";
            }
        };
    }

    /** The oracle's current version: Quote for one origin, GetMarket's price table for all. */
    static MenuPrices oracle(PricingOracleClient client, String target) {
        return new MenuPrices() {
            private long version = -1;

            @Override
            public double price(String origin, String classId) {
                OracleQuote q = client.quote(origin, classId);
                version = q.marketVersion();
                return q.pricePerMTokens();
            }

            @Override
            public List<Origin> all(String classId) {
                var market = client.market();
                version = market.marketVersion();
                List<Origin> out = market.prices().stream().filter(q -> q.workloadClass().equals(classId))
                        .map(q -> new Origin(q.origin(), q.pricePerMTokens())).toList();
                if (out.isEmpty()) {
                    throw new UnknownIdException("class", classId);
                }
                return out;
            }

            @Override
            public String source() {
                return "oracle " + target + (version < 0 ? "" : ", market version " + version);
            }
        };
    }
}
