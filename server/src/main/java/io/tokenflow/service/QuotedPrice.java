package io.tokenflow.service;

import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.UnservedShare;
import java.util.function.Function;

/**
 * One origin × class price of one version, with how much of the origin's demand goes unserved, as the
 * oracle caches it (per version, origin and class). It keeps one encoding of itself made by the
 * transport, so the hot Quote path encodes a price once per version rather than once per call.
 *
 * <p>Thread-safe: callers racing on the first encoding may each encode; one result is kept, and since
 * encodings of one price are equal it does not matter which.
 */
public final class QuotedPrice {
    private final NodePrice price;
    private final UnservedShare unserved;
    private volatile Object encoded;

    QuotedPrice(NodePrice price, UnservedShare unserved) {
        this.price = price;
        this.unserved = unserved;
    }

    public NodePrice price() {
        return price;
    }

    /** The origin's demand of the class and the part the cleared market leaves unserved. */
    public UnservedShare unserved() {
        return unserved;
    }

    /** The encoding {@code encoder} makes of this price, made on first use and reused after. */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Function<QuotedPrice, T> encoder) {
        Object e = encoded;
        if (e == null) {
            e = encoder.apply(this);
            encoded = e;
        }
        return (T) e;
    }
}
