package io.tokenflow.grpc;

import io.grpc.Status;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * Keeps grpc-netty from tracing what callers do every day, which anyone who can reach the port could
 * otherwise turn into a flood of 40-line WARNINGs:
 * <ul>
 *   <li>a client cancelling a stream (a router ending its WatchPrices, a billing job stopping an export)
 *       while messages to it still wait in the server's HTTP/2 flow-control queue: grpc-netty fails each and
 *       logs "Stream Error" with a {@code StreamException: Stream closed before write could take place};
 *   <li>a request over {@code --max-message-bytes}: "Exception processing message" with a
 *       RESOURCE_EXHAUSTED trace (the caller gets RESOURCE_EXHAUSTED, which says it all).
 * </ul>
 * Those records are dropped and counted ({@code tokenflow.rpc.cancelled.writes},
 * {@code tokenflow.rpc.oversize.requests}); the calls themselves are in {@code tokenflow.rpc.server.duration}
 * with CANCELLED or RESOURCE_EXHAUSTED ({@link RpcMetrics}). Any other record of those loggers passes.
 */
final class TransportLog {
    static final String CANCELLED_WRITE = "Stream closed before write could take place";
    private static final AtomicLong CANCELLED_WRITES = new AtomicLong();
    private static final AtomicLong OVERSIZE = new AtomicLong();
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger loses its filter. */
    private static final List<Logger> QUIETED = List.of(
            quiet("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler", TransportLog::isCancelledWrite,
                    CANCELLED_WRITES),
            quiet("io.grpc.netty.NettyServerHandler", TransportLog::isCancelledWrite, CANCELLED_WRITES),
            quiet("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream", TransportLog::isOversize, OVERSIZE),
            quiet("io.grpc.netty.NettyServerStream", TransportLog::isOversize, OVERSIZE));

    private TransportLog() {}

    private static Logger quiet(String name, BiPredicate<String, Throwable> dropped, AtomicLong count) {
        Logger logger = Logger.getLogger(name);
        Filter before = logger.getFilter();
        logger.setFilter(record -> {
            if (dropped.test(record.getMessage(), record.getThrown())) {
                count.incrementAndGet();
                return false;
            }
            return before == null || before.isLoggable(record);
        });
        return logger;
    }

    /**
     * Installs the filters (once per JVM, as the class loads) and registers their counters on {@code meters},
     * once: the counts are the JVM's, so a second server on the same registry shares them (registering again
     * would only make Micrometer warn that it ignores the second registration).
     */
    static void quiet(MeterRegistry meters) {
        if (meters.find("tokenflow.rpc.cancelled.writes").functionCounter() == null) {
            FunctionCounter.builder("tokenflow.rpc.cancelled.writes", CANCELLED_WRITES, AtomicLong::doubleValue)
                    .description("Messages still queued for streams the client had cancelled, dropped by the"
                            + " transport (not logged)")
                    .register(meters);
        }
        if (meters.find("tokenflow.rpc.oversize.requests").functionCounter() == null) {
            FunctionCounter.builder("tokenflow.rpc.oversize.requests", OVERSIZE, AtomicLong::doubleValue)
                    .description("Requests over --max-message-bytes refused by the transport (not logged)")
                    .register(meters);
        }
    }

    static boolean isCancelledWrite(String message, Throwable thrown) {
        return "Stream Error".equals(message) && thrown != null
                && thrown.getClass().getName().endsWith("Http2Exception$StreamException")
                && CANCELLED_WRITE.equals(thrown.getMessage());
    }

    static boolean isOversize(String message, Throwable thrown) {
        return "Exception processing message".equals(message) && thrown != null
                && Status.fromThrowable(thrown).getCode() == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** How many cancelled writes went unlogged in this JVM. */
    static long cancelledWrites() {
        return CANCELLED_WRITES.get();
    }

    /** How many oversize requests went unlogged in this JVM. */
    static long oversize() {
        return OVERSIZE.get();
    }
}
