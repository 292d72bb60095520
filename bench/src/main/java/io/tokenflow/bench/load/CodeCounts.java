package io.tokenflow.bench.load;

import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counts by grpc status code. */
final class CodeCounts {
    private final AtomicLongArray counts = new AtomicLongArray(Status.Code.values().length);

    void add(Status.Code code) {
        counts.incrementAndGet(code.value());
    }

    long total() {
        long t = 0;
        for (int i = 0; i < counts.length(); i++) {
            t += counts.get(i);
        }
        return t;
    }

    Map<String, Long> nonZero() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Status.Code c : Status.Code.values()) {
            long n = counts.get(c.value());
            if (n > 0) {
                m.put(c.name(), n);
            }
        }
        return m;
    }
}
