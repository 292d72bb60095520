package io.tokenflow.market.scenarios;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Builds a scenario from a hub registry by the paper's rules (the paper's §3; docs/paper-reproduction.md):
 * <ul>
 *   <li>C_j,k = MW_j × throughput_k (chat 5000, image 200, code 4000, batch 1000 tok/s per MW);</li>
 *   <li>two-way arcs between hubs within 2500 km (haversine, R = 6371 km), plus a full mesh among the
 *       backbone metros whatever the distance; backbone-to-backbone arcs carry 100 Gbps, all others 10;</li>
 *   <li>latency τ = distance / 200 km/ms + 5 ms per hop; tariff $0.01/GB; no route cost;</li>
 *   <li>d_j,k = scale × base_k × w_j (chat 50,000, image 5,000, code 30,000, batch 10,000 tok/s);</li>
 *   <li>latency limits per link ({@link LatencyScope#PER_LINK}), as the paper's numerical study applies them.</li>
 * </ul>
 */
final class PaperTestbed {
    static final double ARC_RADIUS_KM = 2500;
    static final double BACKBONE_GBPS = 100;
    static final double REGIONAL_GBPS = 10;
    static final double TARIFF_PER_GB = 0.01;
    /**
     * The uniform opex adder's A in $ per MW-hour of class capacity used, derived in
     * docs/paper-reproduction.md as (163,140 − 123,635) / 9,003.75 MW.
     */
    static final double OPEX_ADDER_PER_MW_HOUR = 39_505.0 / 9_003.75;

    /** The paper's Table 2 classes with their throughput per MW and base demand at weight 1. */
    enum PaperClass {
        CHAT("chat", 0.5, 1, 100.0, 5000, 50_000),
        IMAGE("image", 100, 500, Double.NaN, 200, 5_000),
        CODE("code", 1, 2, 200.0, 4000, 30_000),
        BATCH("batch", 10, 10, Double.NaN, 1000, 10_000);

        final String id;
        final double gbPerMTokens;
        final double kwhPerMTokens;
        final double maxLatencyMs;
        final double tokensPerSecondPerMw;
        final double baseDemand;

        PaperClass(String id, double gb, double kwh, double latency, double perMw, double base) {
            this.id = id;
            this.gbPerMTokens = gb;
            this.kwhPerMTokens = kwh;
            this.maxLatencyMs = latency;
            this.tokensPerSecondPerMw = perMw;
            this.baseDemand = base;
        }

        WorkloadClass workloadClass(ScenarioOptions options) {
            double latency = options.maxLatencyMs().getOrDefault(id, maxLatencyMs);
            double opex = options.opexAdder() ? OPEX_ADDER_PER_MW_HOUR * 1e6 / (3600 * tokensPerSecondPerMw) : 0;
            return new WorkloadClass(id, gbPerMTokens, kwhPerMTokens,
                    Double.isNaN(latency) ? OptionalDouble.empty() : OptionalDouble.of(latency),
                    OptionalDouble.empty(), opex);
        }
    }

    private PaperTestbed() {}

    static Scenario build(String name, List<Hub> hubs, double scale, ScenarioOptions options) {
        List<WorkloadClass> classes = new ArrayList<>();
        for (PaperClass c : PaperClass.values()) {
            classes.add(c.workloadClass(options));
        }
        for (String cls : options.maxLatencyMs().keySet()) {
            if (classes.stream().noneMatch(c -> c.id().equals(cls))) {
                throw new IllegalArgumentException("--max-latency names unknown class '" + cls
                        + "' (classes: chat, image, code, batch)");
            }
        }
        List<ComputeNode> nodes = new ArrayList<>();
        List<Demand> demand = new ArrayList<>();
        for (Hub hub : hubs) {
            Map<String, Double> capacity = new LinkedHashMap<>();
            for (PaperClass c : PaperClass.values()) {
                capacity.put(c.id, hub.megawatts() * c.tokensPerSecondPerMw);
                demand.add(new Demand(hub.id(), c.id, scale * c.baseDemand * hub.demandWeight()));
            }
            nodes.add(new ComputeNode(hub.id(), hub.name(), OptionalDouble.of(hub.lat()), OptionalDouble.of(hub.lon()),
                    hub.electricityPricePerKwh(), 0, capacity));
        }
        List<Link> links = new ArrayList<>();
        for (Hub a : hubs) {
            for (Hub b : hubs) {
                if (a == b) {
                    continue;
                }
                double km = GreatCircle.km(a.lat(), a.lon(), b.lat(), b.lon());
                boolean backbone = a.backbone() && b.backbone();
                if (km <= ARC_RADIUS_KM || backbone) {
                    links.add(new Link(a.id(), b.id(), backbone ? BACKBONE_GBPS : REGIONAL_GBPS, km / 200 + 5,
                            TARIFF_PER_GB, 0));
                }
            }
        }
        BandwidthModel model = options.bandwidthModel().orElse(BandwidthModel.TOKEN_EQUIVALENT);
        // the paper's case studies read latency limits per link (§2.1-2.2); END_TO_END is the oracle's own rule
        return new Scenario(name, model, options.latencyScope().orElse(LatencyScope.PER_LINK), classes, nodes, links,
                demand);
    }
}
