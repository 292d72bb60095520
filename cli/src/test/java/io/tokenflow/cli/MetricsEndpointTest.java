package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics endpoint keeps answering scrapes while other connections stall. */
class MetricsEndpointTest {

    @Test
    void clientsThatSendHalfARequestDoNotBlockAScrape() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("tokenflow.test.scrapes").increment();
        List<Socket> stalled = new ArrayList<>();
        try (MetricsEndpoint endpoint = new MetricsEndpoint(registry, "127.0.0.1", 0)) {
            for (int i = 0; i < MetricsEndpoint.HANDLERS - 2; i++) {
                Socket s = new Socket("127.0.0.1", endpoint.port());
                OutputStream out = s.getOutputStream();
                out.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long start = System.nanoTime();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("tokenflow_test_scrapes_total"), scrape.body());
            assertTrue(millis < 4_000, "the scrape took " + millis + " ms behind " + stalled.size() + " stalled connections");
            // and a stalled connection does not hold its thread for ever: the JDK closes it
            Socket first = stalled.get(0);
            first.setSoTimeout((MetricsEndpoint.MAX_REQUEST_SECONDS + 5) * 1000);
            long waited = System.nanoTime();
            int read = first.getInputStream().read();
            long closedAfter = (System.nanoTime() - waited) / 1_000_000;
            assertEquals(-1, read, "the server closes a request that never completes");
            assertTrue(closedAfter <= (MetricsEndpoint.MAX_REQUEST_SECONDS + 3) * 1000L, "closed after " + closedAfter + " ms");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }
}
