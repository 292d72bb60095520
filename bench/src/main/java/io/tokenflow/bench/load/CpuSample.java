package io.tokenflow.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CPU times at one instant: machine-wide from /proc/stat, this JVM's and the server's. */
record CpuSample(long wallNanos, long machineBusyTicks, long machineTotalTicks, long driverCpuNanos,
        long serverCpuNanos) {
    static CpuSample take(List<ProcessHandle> server) {
        long busy = -1;
        long total = -1;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) {
                    idle += v; // idle, iowait
                }
            }
            busy = total - idle;
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the machine figures out
        }
        long driver = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
        long srv = server.isEmpty() ? -1 : 0;
        for (ProcessHandle p : server) {
            long one = p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
            srv = srv < 0 || one < 0 ? -1 : srv + one;
        }
        return new CpuSample(System.nanoTime(), busy, total, driver, srv);
    }

    static Map<String, Object> report(CpuSample a, CpuSample b, long calls) {
        Map<String, Object> m = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        m.put("cores", cores);
        if (a == null || b == null) {
            return m;
        }
        double wall = (b.wallNanos - a.wallNanos) / 1e9;
        if (a.machineTotalTicks >= 0 && b.machineTotalTicks > a.machineTotalTicks) {
            double share = (double) (b.machineBusyTicks - a.machineBusyTicks) / (b.machineTotalTicks - a.machineTotalTicks);
            m.put("machine_busy_cores", Math.round(share * cores * 100) / 100.0);
        }
        if (a.driverCpuNanos >= 0 && b.driverCpuNanos >= 0) {
            m.put("driver_cores", Math.round((b.driverCpuNanos - a.driverCpuNanos) / 1e9 / wall * 100) / 100.0);
        }
        if (a.serverCpuNanos >= 0 && b.serverCpuNanos >= 0) {
            double serverSeconds = (b.serverCpuNanos - a.serverCpuNanos) / 1e9;
            m.put("server_cores", Math.round(serverSeconds / wall * 100) / 100.0);
            if (calls > 0) {
                m.put("server_cpu_us_per_call", Math.round(serverSeconds / calls * 1e6 * 10) / 10.0);
            }
            if (m.containsKey("machine_busy_cores") && m.containsKey("driver_cores")) {
                // everything else on the machine: other processes, and the kernel's time not charged to these two
                m.put("other_cores", Math.round(((Double) m.get("machine_busy_cores") - (Double) m.get("driver_cores")
                        - (Double) m.get("server_cores")) * 100) / 100.0);
            }
        }
        return m;
    }
}
