package io.tokenflow.demo.router;

import io.tokenflow.client.OracleException;
import io.tokenflow.client.OracleSite;
import io.tokenflow.client.PricingOracleClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Feasible sites per origin × class, read once through the SDK and kept until {@link #clear()}. */
final class SiteTable {
    private final PricingOracleClient client;
    private final Map<String, List<OracleSite>> sites = new HashMap<>();

    SiteTable(PricingOracleClient client) {
        this.client = client;
    }

    List<OracleSite> of(String origin, String workloadClass) {
        return sites.computeIfAbsent(origin + '\u0000' + workloadClass, k -> {
            try {
                return client.feasibleSites(origin, workloadClass);
            } catch (OracleException e) {
                return List.of();
            }
        });
    }

    void clear() {
        sites.clear();
    }
}
