package io.tokenflow.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
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
 * a handler in the listening channel's pipeline, ahead of the acceptor that registers each new connection,
 * counts the connections it passes on and closes, unregistered, those over the cap; each admitted one gives
 * its place back when it closes. Setting the listening channel means setting the event loops too
 * ({@link #applyTo}): epoll where Netty's native transport loads, as grpc-java's own default, else NIO;
 * {@link #close} shuts them down once the server has stopped. Counted in
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
    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup boss = loops(1, "tokenflow-accept");
    private final EventLoopGroup workers = loops(0, "tokenflow-grpc");
    private final ChannelHandler gate = new Gate();

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
        Supplier<ServerChannel> listening = epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
        return builder.channelFactory(() -> {
            ServerChannel channel = listening.get();
            channel.pipeline().addLast(gate); // before the acceptor, which the server bootstrap adds on bind
            return channel;
        }).bossEventLoopGroup(boss).workerEventLoopGroup(workers);
    }

    /** Whether connections are accepted on Netty's native epoll transport (else NIO). */
    public boolean nativeTransport() {
        return epoll;
    }

    private EventLoopGroup loops(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
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

    /** In the listening channel's pipeline: passes on at most {@code max} open connections. */
    @ChannelHandler.Sharable
    private final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            Channel child = (Channel) accepted;
            if (admit()) {
                child.closeFuture().addListener(f -> open.decrementAndGet());
                ctx.fireChannelRead(child);
            } else {
                child.unsafe().closeForcibly(); // not registered yet: closes the socket, fires nothing
                refusedOne();
            }
        }
    }
}
