package io.tokenflow.service;

import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Why a version was made: every update it includes (the coalesced updates of several calls, in the
 * order accepted), at most {@link #MAX_LISTED} of them listed and the rest counted, so a 10,000-update
 * batch costs the history no more than a small one.
 *
 * @param listed  the first causes, in the order the updates were accepted
 * @param omitted how many more updates the version includes
 */
public record VersionCauses(List<PriceCause> listed, int omitted) {
    /** Most causes kept per version. */
    public static final int MAX_LISTED = 100;
    /** Most causes a one-line summary names. */
    static final int SUMMARIZED = 3;

    static final VersionCauses INITIAL = new VersionCauses(List.of(PriceCause.INITIAL), 0);
    static final VersionCauses LEADER = new VersionCauses(List.of(PriceCause.LEADER), 0);

    public VersionCauses {
        listed = List.copyOf(listed);
        if (listed.isEmpty()) {
            throw new IllegalArgumentException("a version has at least one cause, got none");
        }
        if (listed.size() > MAX_LISTED) {
            throw new IllegalArgumentException("at most " + MAX_LISTED + " causes are listed, got " + listed.size());
        }
        if (omitted < 0) {
            throw new IllegalArgumentException("omitted causes must be >= 0, got " + omitted);
        }
    }

    /**
     * The causes of applying {@code updates} in order to {@code before} (the scenario of the previous
     * version): each with the value it replaced, which for a value set twice in one version is the
     * first update's.
     */
    static VersionCauses of(List<MarketUpdate> updates, Scenario before) {
        if (updates.isEmpty()) {
            throw new IllegalArgumentException("a re-cleared version includes at least one update, got none");
        }
        int listedCount = Math.min(updates.size(), MAX_LISTED);
        // values set earlier in this version, by subject and kind: what a later update of the same value replaced
        Map<String, Double> setEarlier = new HashMap<>();
        Map<String, Double> demand = before.demand().stream()
                .collect(Collectors.toMap(d -> d.origin() + "/" + d.classId(), Demand::tokensPerSecond, (a, b) -> b));
        List<PriceCause> listed = new ArrayList<>(listedCount);
        for (MarketUpdate update : updates.subList(0, listedCount)) {
            PriceCause.Kind kind;
            String subject;
            double value;
            double inScenario;
            if (update instanceof MarketUpdate.CapacityUpdate u) {
                kind = PriceCause.Kind.CAPACITY;
                subject = u.node() + "/" + u.classId();
                value = u.tokensPerSecond();
                inScenario = before.node(u.node()).capacityOf(u.classId());
            } else if (update instanceof MarketUpdate.DemandUpdate u) {
                kind = PriceCause.Kind.DEMAND;
                subject = u.origin() + "/" + u.classId();
                value = u.tokensPerSecond();
                inScenario = demand.getOrDefault(subject, 0.0);
            } else if (update instanceof MarketUpdate.ElectricityPriceUpdate u) {
                kind = PriceCause.Kind.ELECTRICITY_PRICE;
                subject = u.node();
                value = u.pricePerKwh();
                inScenario = before.node(u.node()).electricityPricePerKwh();
            } else if (update instanceof MarketUpdate.LinkCapacityUpdate u) {
                kind = PriceCause.Kind.LINK_CAPACITY;
                subject = u.from() + "->" + u.to();
                value = u.capacityGbps();
                inScenario = before.link(u.from(), u.to()).capacityGbps();
            } else {
                throw new IllegalArgumentException("unsupported update " + update);
            }
            Double earlier = setEarlier.put(kind.name() + " " + subject, value);
            listed.add(PriceCause.update(kind, subject, earlier != null ? earlier : inScenario, value));
        }
        return new VersionCauses(listed, updates.size() - listedCount);
    }

    /** How many updates the version includes (1 for initial/leader). */
    public int count() {
        return listed.size() + omitted;
    }

    /**
     * One line for people: the cause itself, or {@code 3 updates: capacity dallas/image 240000 -> 120000
     * tokens/s, ...} naming the first {@value #SUMMARIZED}.
     */
    public String summary() {
        if (count() == 1) {
            return listed.get(0).describe();
        }
        String named = listed.stream().limit(SUMMARIZED).map(PriceCause::describe).collect(Collectors.joining(", "));
        return count() + " updates: " + named + (count() > SUMMARIZED ? ", ..." : "");
    }
}
