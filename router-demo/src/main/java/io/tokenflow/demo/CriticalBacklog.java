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
 * it at its spare rate (approximately: the mean backlog less spare × T, at least 0). A fluid optimum holds
 * no backlog; this one grows as √T while the window's cost grows as T.
 */
final class CriticalBacklog {
    private CriticalBacklog() {}

    /** "node/class" → the mean backlog at the end of the window, tokens, for every site the plan loads full. */
    static Map<String, Double> expected(LpWindow plan, Function<String, RequestSizes> sizes) {
        Map<String, Double> variance = new TreeMap<>(); // σ²T so far, per site with a backlog
        for (LpWindow.Half half : plan.halves()) {
            if (half.seconds() <= 0) {
                continue;
            }
            for (Map.Entry<String, double[]> e : half.processing().entrySet()) {
                String site = e.getKey();
                if (half.full(site)) {
                    RequestSizes s = sizes.apply(site.substring(site.indexOf('/') + 1));
                    variance.merge(site, e.getValue()[0] * s.meanSquare() / s.mean() * half.seconds(), Double::sum);
                } else if (variance.containsKey(site)) {
                    double left = Math.max(0, mean(variance.get(site)) - half.spare(site) * half.seconds());
                    if (left > 0) {
                        variance.put(site, Math.PI / 2 * left * left);
                    } else {
                        variance.remove(site);
                    }
                }
            }
        }
        Map<String, Double> backlog = new TreeMap<>();
        variance.forEach((site, v) -> backlog.put(site, mean(v)));
        return backlog;
    }

    /** E|N(0, v)|. */
    private static double mean(double variance) {
        return Math.sqrt(2 * variance / Math.PI);
    }
}
