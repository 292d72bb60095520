package io.tokenflow.grpc;

import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.Timestamps;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The hostile values {@link HostileInputTest} builds its requests from. Every draw comes from the test's one
 * seeded stream, in the order the cases ask, so a seed replays the same run.
 */
final class HostileValues {
    private static final String HUGE = "x".repeat(10 * 1024 * 1024);
    static final List<String> NODES = List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle");
    static final List<String> CLASSES = List.of("chat", "image", "code", "batch");

    final SplittableRandom random;

    HostileValues(SplittableRandom random) {
        this.random = random;
    }

    /** An id: valid, or hostile. Returns {value, kind} with kind "ok", "empty", "unknown" or "huge". */
    String[] id(List<String> valid) {
        int r = random.nextInt(100);
        if (r < 55) {
            return new String[] {valid.get(random.nextInt(valid.size())), "ok"};
        }
        if (r < 65) {
            return new String[] {"", "empty"};
        }
        if (r == 65) {
            return new String[] {HUGE, "huge"};
        }
        String[] unknown = {"atlantis", "DALLAS", " dallas", "dallas\u0000", "d\u00e4llas\u2603", "\ud83d\ude80",
            "line\nbreak", "'; DROP TABLE nodes; --", "%s%n%x", "a".repeat(5000), "\t", "dallas,chicago"};
        return new String[] {unknown[random.nextInt(unknown.length)], "unknown"};
    }

    /** A number: in range (>= 0, finite), or not. Returns the value; {@link #bad} says which. */
    double number() {
        double[] good = {0, -0.0, 1, 0.5, 1e6, Double.MIN_VALUE};
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, -1e308, -Double.MIN_VALUE,
            1e308, Double.MAX_VALUE, 1e13};
        return random.nextInt(100) < 60 ? good[random.nextInt(good.length)] : bad[random.nextInt(bad.length)];
    }

    static boolean bad(double v) {
        return !Double.isFinite(v) || v < 0 || v > 1e12;
    }

    static UnknownFieldSet unknownFields(SplittableRandom random) {
        return UnknownFieldSet.newBuilder().addField(900 + random.nextInt(99), UnknownFieldSet.Field.newBuilder()
                .addVarint(random.nextLong()).build()).build();
    }

    /** A time for {@code since}: unset, valid (any instant, the extremes included), or out of range. */
    Timestamp[] since() {
        Timestamp[] valid = {Timestamp.getDefaultInstance(), Timestamps.MIN_VALUE, Timestamps.MAX_VALUE,
            Timestamp.newBuilder().setSeconds(random.nextLong(0, 4_000_000_000L)).setNanos(random.nextInt(1_000_000_000))
                    .build()};
        Timestamp[] invalid = {Timestamp.newBuilder().setNanos(-1).build(),
            Timestamp.newBuilder().setNanos(1_000_000_000).build(),
            Timestamp.newBuilder().setSeconds(1).setNanos(Integer.MIN_VALUE).build(),
            Timestamp.newBuilder().setNanos(Integer.MAX_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
            Timestamp.newBuilder().setSeconds(Timestamps.MAX_VALUE.getSeconds() + 1).build(),
            Timestamp.newBuilder().setSeconds(Timestamps.MIN_VALUE.getSeconds() - 1).build()};
        int r = random.nextInt(100);
        return r < 30 ? new Timestamp[] {null} : r < 70 ? new Timestamp[] {valid[random.nextInt(valid.length)]}
                : new Timestamp[] {null, invalid[random.nextInt(invalid.length)]};
    }
}
