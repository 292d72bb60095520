package io.tokenflow.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses {@code host:port} targets, refusing any that is not a loopback address, and opens the plaintext
 * channels the load tools drive them over.
 */
final class Loopback {
    private Loopback() {}

    /** The resolved loopback address of {@code host:port}; throws if it is not loopback. */
    static InetSocketAddress target(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("target must be host:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve target host '" + host + "'", e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback target " + hostPort + " (" + address
                    + "): this benchmark only drives servers on this machine");
        }
        return new InetSocketAddress(address, port);
    }

    /** A plaintext channel to a target, callbacks on the transport thread (client {@code directExecutor()}). */
    static ManagedChannel channel(InetSocketAddress target) {
        return NettyChannelBuilder.forAddress(target).usePlaintext().directExecutor().build();
    }
}
