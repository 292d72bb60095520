package io.tokenflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link PricingOracleClient#priceHistory} walks every page: each next call carries the last page's token
 * and the same origin, class and since, and the points come back in order, none lost or repeated.
 */
class PriceHistoryWalkTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static PriceHistoryView.Point point(long version) {
        return new PriceHistoryView.Point(version, T0.plusSeconds(version), version, version, 0, 0, 0, 0,
                Optional.of("dallas"), "initial", List.of(new PriceHistoryView.Cause("initial", "", 0, 0, "")), 0);
    }

    @Test
    void priceHistoryWalksEveryPageWithTheTokenItWasGiven() {
        List<String> asked = new ArrayList<>();
        InvocationHandler oracle = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (!method.getName().equals("priceHistoryPage")) {
                throw new UnsupportedOperationException(method.getName());
            }
            String token = (String) args[4];
            asked.add(args[0] + " " + args[1] + " " + args[2] + " " + args[3] + " '" + token + "'");
            // three pages: versions 1-2, 3-4 (the oldest retained moved on meanwhile), 5
            return switch (token) {
                case "" -> new PriceHistoryPage(new PriceHistoryView("dallas", "chat", List.of(point(1), point(2)),
                        1, T0.plusSeconds(1)), "after-2");
                case "after-2" -> new PriceHistoryPage(new PriceHistoryView("dallas", "chat", List.of(point(3),
                        point(4)), 2, T0.plusSeconds(2)), "after-4");
                case "after-4" -> new PriceHistoryPage(new PriceHistoryView("dallas", "chat", List.of(point(5)), 2,
                        T0.plusSeconds(2)), "");
                default -> throw new AssertionError("unexpected token " + token);
            };
        };
        PricingOracleClient client = (PricingOracleClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PricingOracleClient.class}, oracle);
        PriceHistoryView whole = client.priceHistory("dallas", "chat", T0);
        assertEquals(List.of(point(1), point(2), point(3), point(4), point(5)), whole.points());
        assertEquals(2, whole.oldestRetainedVersion(), "the last page's, the newest word");
        assertEquals(List.of("dallas chat " + T0 + " 0 ''", "dallas chat " + T0 + " 0 'after-2'",
                "dallas chat " + T0 + " 0 'after-4'"), asked);
    }
}
