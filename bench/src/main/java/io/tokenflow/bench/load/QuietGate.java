package io.tokenflow.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The gate before a run: {@code --quiet-below} cores for at most {@code --quiet-wait-s} seconds. */
final class QuietGate {
    private QuietGate() {}

/**
 * Waits (bounded) until the machine is nearly idle, so that a run does not start while another
 * process (a build, say) holds the cores the server and driver share. Linux only; else a no-op.
 */
static Map<String, Object> waitForQuiet(LoadOptions o) throws InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    long start = System.nanoTime();
    long limit = start + (long) (o.quietWaitSeconds * 1e9);
    int cores = Runtime.getRuntime().availableProcessors();
    double busy = Double.NaN;
    boolean quiet = false;
    if (o.quietWaitSeconds > 0) {
        CpuSample a = CpuSample.take(List.of());
        while (a.machineTotalTicks() >= 0) {
            Thread.sleep(1_000);
            CpuSample b = CpuSample.take(List.of());
            long total = b.machineTotalTicks() - a.machineTotalTicks();
            busy = total > 0 ? (double) (b.machineBusyTicks() - a.machineBusyTicks()) / total * cores
                    : Double.NaN;
            if (busy < o.quietBelowCores) {
                quiet = true;
                break;
            }
            if (System.nanoTime() > limit) {
                break;
            }
            a = b;
        }
        if (!quiet && !Double.isNaN(busy)) {
            System.err.printf(Locale.ROOT, "%s: the machine stayed busy (%.2f cores) for %.0f s; starting anyway%n",
                    o.label, busy, o.quietWaitSeconds);
        }
    }
    m.put("below_cores", o.quietBelowCores);
    m.put("quiet", quiet);
    m.put("waited_s", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
    m.put("last_busy_cores", Double.isNaN(busy) ? null : Math.round(busy * 100) / 100.0);
    return m;
}
}
