package io.tokenflow.client;

import java.util.Objects;

/**
 * One page of a PriceHistory walk ({@link PricingOracleClient#priceHistoryPage}).
 *
 * @param history       this page's points, oldest first, with the oldest version the oracle retains
 * @param nextPageToken pass it to the next {@code priceHistoryPage} call for the points after these;
 *                      empty on the last page. Opaque: the oracle refuses one changed or sent with another
 *                      origin, class or since
 */
public record PriceHistoryPage(PriceHistoryView history, String nextPageToken) {

    public PriceHistoryPage {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(nextPageToken, "nextPageToken");
    }

    /** Whether no page follows this one. */
    public boolean last() {
        return nextPageToken.isEmpty();
    }
}
