package io.tokenflow.cli;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the Prometheus text exposition of a registry at {@code /metrics} (the JDK's own HTTP server).
 * A slow client cannot blind monitoring: handlers run on a pool of {@value #HANDLERS} threads of their own
 * (the JDK's default runs them on its one dispatcher thread, where a client that sends half a request
 * blocks every scrape until it closes), and the JDK closes a connection that takes over
 * {@value #MAX_REQUEST_SECONDS} s to send its request or over {@value #MAX_RESPONSE_SECONDS} s to read
 * the answer: up to {@value #HANDLERS} stalled connections cost a scrape nothing, more delay it by at
 * most {@value #MAX_REQUEST_SECONDS} s.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final int MAX_REQUEST_SECONDS = 5;
    static final int MAX_RESPONSE_SECONDS = 30;
    /** Connections that may stall at once before a scrape waits (at most MAX_REQUEST_SECONDS) for a thread. */
    static final int HANDLERS = 16;

    static {
        // read once, when the JDK's server configuration class loads: before the first HttpServer
        System.setProperty("sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS)));
        System.setProperty("sun.net.httpserver.maxRspTime",
                System.getProperty("sun.net.httpserver.maxRspTime", String.valueOf(MAX_RESPONSE_SECONDS)));
    }

    private final HttpServer http;
    private final ExecutorService handlers = Executors.newFixedThreadPool(HANDLERS, r -> {
        Thread t = new Thread(r, "tokenflow-metrics");
        t.setDaemon(true);
        return t;
    });

    MetricsEndpoint(PrometheusMeterRegistry registry, String bindAddress, int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        http.setExecutor(handlers);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
    }
}
