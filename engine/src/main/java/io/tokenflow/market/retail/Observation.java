package io.tokenflow.market.retail;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One observed day of a routing market (the calibration input of docs/retail.md): the providers' prices
 * and capacities, the users' demands and delays, and the flows seen. A pair available that day but absent
 * from {@code flows} was observed at 0.
 *
 * <p>The constructor checks the day against the format and fails naming the field and value.
 */
public record Observation(String day, List<ObservedProvider> providers, List<RetailGame.User> users,
        List<UserEquilibrium.Flow> flows) {

    /** A provider as observed on one day: its price, $/M tokens, and capacity α (same unit as demand). */
    public record ObservedProvider(String id, double price, double capacity) {}

    public Observation {
        providers = List.copyOf(providers);
        users = List.copyOf(users);
        flows = List.copyOf(flows);
        // the game's rules (ids, capacities, demands, delays naming known providers) say the rest
        game(day, providers, users, new RetailGame.Weights(1, 1, 0), Map.of());
        Map<String, RetailGame.User> byId = new HashMap<>();
        users.forEach(u -> byId.put(u.id(), u));
        Set<String> seen = new HashSet<>();
        for (int q = 0; q < flows.size(); q++) {
            UserEquilibrium.Flow f = flows.get(q);
            String at = "flows[" + q + "].";
            RetailGame.User u = byId.get(f.user());
            if (u == null) {
                throw new InvalidGameException(at + "user " + GameChecks.quote(String.valueOf(f.user()))
                        + " is not a user of day " + day);
            }
            if (!u.delayMs().containsKey(f.provider())) {
                throw new InvalidGameException(at + "provider " + GameChecks.quote(String.valueOf(f.provider()))
                        + " is not available to user '" + f.user() + "' on day " + day);
            }
            if (!seen.add(f.user() + "\u0000" + f.provider())) {
                throw new InvalidGameException(at + "the pair " + f.user() + " -> " + f.provider() + " is listed twice");
            }
            GameChecks.nonNegative(at + "tokensPerSecond", f.tokensPerSecond());
        }
    }

    /** The day as a game with the given weights and provider values (a provider absent from values gets 0). */
    RetailGame toGame(RetailGame.Weights weights, Map<String, Double> values) {
        return game(day, providers, users, weights, values);
    }

    private static RetailGame game(String day, List<ObservedProvider> providers, List<RetailGame.User> users,
            RetailGame.Weights weights, Map<String, Double> values) {
        List<RetailGame.Provider> ps = new java.util.ArrayList<>(providers.size());
        for (ObservedProvider p : providers) {
            ps.add(RetailGame.Provider.of(p.id(), p.price(), p.capacity(), values.getOrDefault(p.id(), 0.0)));
        }
        return new RetailGame(day, weights, ps, users, java.util.Optional.empty(), java.util.Optional.empty());
    }

    /** The observed flow of every available pair, in the order of a {@link CompiledGame} of this day. */
    double[] observedFlows() {
        Map<String, Double> byPair = new HashMap<>();
        flows.forEach(f -> byPair.put(f.user() + "\u0000" + f.provider(), f.tokensPerSecond()));
        int count = users.stream().mapToInt(u -> u.delayMs().size()).sum();
        double[] out = new double[count];
        int e = 0;
        for (RetailGame.User u : users) {
            for (String p : u.delayMs().keySet()) {
                out[e++] = byPair.getOrDefault(u.id() + "\u0000" + p, 0.0);
            }
        }
        return out;
    }
}
