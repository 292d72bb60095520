package io.tokenflow.grpc;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

/** A server clock that throws while {@code broken} is set: a bug inside a handler, on demand. */
final class BreakableClock extends Clock {
    private final AtomicBoolean broken;

    BreakableClock(AtomicBoolean broken) {
        this.broken = broken;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        if (broken.get()) {
            throw new IllegalStateException("the test broke the clock");
        }
        return Instant.now();
    }
}
