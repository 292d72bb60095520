package io.tokenflow.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The backlog that queueing alone leaves at the end of the window at the sites the LP loads to capacity,
 * for a router that follows the LP exactly.
 *
 * <p>Such a router sends a full site, on average, exactly what it serves. The requests arrive at random
 * (Poisson per origin, thinned by the split, sizes drawn per class), so the site's backlog is a random walk
 * without drift, held at 0 from below: after T seconds it is distributed as |N(0, σ²T)|, mean σ√(2T/π),
 * with σ² = x · E[size²] / E[size] the variance of the tokens arriving in one second at processing x. Over
 * halves of different load the variances add up (σ₁²T₁ + σ₂²T₂); a half in which the site has room drains
 * it. A fluid optimum holds no backlog; this one grows as √T while the window's cost grows as T.
 */
final class CriticalBacklog {
    private CriticalBacklog() {}

    /** "node/class" → the mean backlog at the end of the window, tokens, for every site the plan loads full. */
    static Map<String, Double> expected(LpWindow plan, Function<String, RequestSizes> sizes) {
        Map<String, Double> variance = new TreeMap<>();
        for (LpWindow.Half half : plan.halves()) {
            if (half.seconds() <= 0) {
                continue;
            }
            variance.keySet().retainAll(half.fullSites().keySet()); // a site with room drains its queue
            half.fullSites().forEach((site, x) -> {
                RequestSizes s = sizes.apply(site.substring(site.indexOf('/') + 1));
                variance.merge(site, x * s.meanSquare() / s.mean() * half.seconds(), Double::sum);
            });
        }
        Map<String, Double> backlog = new TreeMap<>();
        variance.forEach((site, v) -> backlog.put(site, Math.sqrt(2 * v / Math.PI)));
        return backlog;
    }
}
