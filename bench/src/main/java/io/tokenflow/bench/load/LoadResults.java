package io.tokenflow.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run reports: latency percentiles in ms, the summary line on standard output and the JSON that
 * {@link LoadReport} reads.
 */
final class LoadResults {
    private LoadResults() {}

    /** Count, mean, p50, p90, p99, p99.9 and max of a latency histogram, in ms (count only when empty). */
    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("mean", round(h.getMean() / 1e6));
        m.put("p50", round(h.getValueAtPercentile(50) / 1e6));
        m.put("p90", round(h.getValueAtPercentile(90) / 1e6));
        m.put("p99", round(h.getValueAtPercentile(99) / 1e6));
        m.put("p99_9", round(h.getValueAtPercentile(99.9) / 1e6));
        m.put("max", round(h.getMaxValue() / 1e6));
        return m;
    }

    private static double round(double millis) {
        return Math.round(millis * 1e4) / 1e4;
    }

    @SuppressWarnings("unchecked")
    /** Prints the run's summary: one line, a second with the updates. */
    static void print(Map<String, Object> m) {
        Map<String, Object> lat = (Map<String, Object>) m.get("latency_ms");
        Map<String, Object> cpu = (Map<String, Object>) m.get("cpu");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %dx%d: %.0f QPS, latency ms p50 %s p90 %s p99 %s p99.9 %s max %s,"
                        + " errors %d (measured %s, warm-up %s)",
                m.get("label"), (Integer) m.get("channels"), (Integer) m.get("in_flight_per_channel"),
                (Double) m.get("qps"), lat.get("p50"), lat.get("p90"), lat.get("p99"), lat.get("p99_9"), lat.get("max"),
                (Long) m.get("errors"), m.get("measured_errors_by_code"), m.get("warmup_errors_by_code")));
        if (cpu.containsKey("machine_busy_cores")) {
            sb.append(String.format(Locale.ROOT, "; machine busy %.2f of %d cores", cpu.get("machine_busy_cores"),
                    (Integer) cpu.get("cores")));
        }
        if (cpu.containsKey("server_cores")) {
            sb.append(String.format(Locale.ROOT, ", server %.2f cores (%.1f us CPU/call), driver %.2f cores",
                    cpu.get("server_cores"), cpu.get("server_cpu_us_per_call"), cpu.get("driver_cores")));
        }
        if (m.containsKey("updates")) {
            Map<String, Object> u = (Map<String, Object>) m.get("updates");
            sb.append(String.format(Locale.ROOT, "%n  updates %s x %s: %d sent, %d ok, %d errors, acknowledged versions %s"
                            + " (GetMarket %s -> %s), quotes saw versions %s",
                    u.get("node"), u.get("workload_class"), (Long) u.get("sent"), (Long) u.get("ok"),
                    (Long) u.get("errors"), u.get("acknowledged_versions"),
                    u.get("market_version_before"), u.get("market_version_after"), m.get("quote_versions_seen")));
        }
        System.out.println(sb);
    }

    /** Writes a run's figures as indented JSON, creating the folder if needed. */
    static void writeJson(Map<String, Object> result, Path json) throws IOException {
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
    }
}
