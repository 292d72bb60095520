package io.tokenflow.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code max} client connections open at once ({@code serve --max-connections}): a connection
 * accepted beyond it is closed at once, before TLS or HTTP/2 costs anything, so its client sees UNAVAILABLE
 * and retries (elsewhere, or once connections end). Together with {@code --max-streams-per-connection} it
 * bounds what callers can hold open.
 *
 * <p>How: grpc-java has no hook that closes a transport, so the cap sits where connections are accepted:
 * the server's listening channel counts the connections it hands out and closes, unregistered, those
 * over the cap; each admitted one gives its place back when it closes. That needs the server's own NIO
 * event loops ({@link #applyTo}); {@link #close} shuts them down once the server has stopped. Counted in
 * {@code tokenflow.connections.open} and {@code tokenflow.connections.refused}, and logged in one line at
 * most every {@value #LOG_EVERY_SECONDS} s. Thread-safe.
 */
public final class ConnectionCap implements AutoCloseable {
    static final long LOG_EVERY_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger(ConnectionCap.class.getName());

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_SECONDS * 2_000_000_000L);
    private final AtomicLong sinceLastLog = new AtomicLong();
    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("tokenflow-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("tokenflow-grpc", true));

    /**
     * @throws IllegalArgumentException {@code max} < 1, naming --max-connections and the value
     */
    public ConnectionCap(int max, MeterRegistry meters) {
        if (max < 1) {
            throw new IllegalArgumentException("--max-connections must be >= 1, got " + max);
        }
        this.max = max;
        Gauge.builder("tokenflow.connections.open", open, AtomicInteger::get)
                .description("Client connections open (at most --max-connections)").register(meters);
        this.refused = Counter.builder("tokenflow.connections.refused")
                .description("Connections closed on accept because --max-connections were already open")
                .register(meters);
    }

    /** {@code builder} accepting through the cap, on this cap's event loops. */
    public NettyServerBuilder applyTo(NettyServerBuilder builder) {
        return builder.channelFactory(Capped::new).bossEventLoopGroup(boss).workerEventLoopGroup(workers);
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Shuts the event loops down; call after the server has stopped. */
    @Override
    public void close() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private boolean admit() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void refusedOne() {
        refused.increment();
        long count = sinceLastLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_EVERY_SECONDS * 1_000_000_000L && lastLogNanos.compareAndSet(last, now)) {
            sinceLastLog.addAndGet(-count);
            LOG.log(Level.WARNING, count + " connection(s) closed on accept in the last " + LOG_EVERY_SECONDS
                    + " s: " + max + " were open, the most --max-connections allows"
                    + " (tokenflow_connections_refused_total counts them all)");
        }
    }

    /** The listening channel: hands out at most {@code max} open connections. */
    private final class Capped extends NioServerSocketChannel {
        @Override
        protected int doReadMessages(List<Object> accepted) throws Exception {
            int from = accepted.size();
            int read = super.doReadMessages(accepted);
            for (int i = accepted.size() - 1; i >= from; i--) {
                Channel child = (Channel) accepted.get(i);
                if (admit()) {
                    child.closeFuture().addListener(f -> open.decrementAndGet());
                } else {
                    accepted.remove(i);
                    read--;
                    child.unsafe().closeForcibly(); // not registered yet: closes the socket, fires nothing
                    refusedOne();
                }
            }
            return read;
        }
    }
}
