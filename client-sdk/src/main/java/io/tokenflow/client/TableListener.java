package io.tokenflow.client;

/**
 * Told of what happens to the client's WatchPrices stream (set with
 * {@link PricingOracleClientBuilder#tableListener}), for callers that act on every new version, such as a
 * read replica following its leader. Called on a gRPC thread, one call at a time per client, in stream
 * order: implementations must return quickly and hand any blocking work (say, a GetMarket) to a thread of
 * their own.
 */
public interface TableListener {

    /** A price table arrived and is now the local table: the oracle's version and its stale flag. */
    void tableArrived(long marketVersion, boolean stale);

    /**
     * The stream ended or failed; the client reconnects by itself with backoff. {@code why} says what
     * happened in words, with the status code, e.g. {@code UNAVAILABLE io exception}.
     */
    void streamLost(String why);
}
