package io.tokenflow.service.journal;

import io.tokenflow.market.model.MarketUpdate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where accepted update batches go before they are acknowledged. */
public interface UpdateLog extends AutoCloseable {
    /**
     * Queues one record; must be called in sequence order (the caller holds its ordering lock). The
     * future completes once the record is on disk (forced), or fails if it cannot be written; it never
     * completes on the calling thread's stack while that lock matters to the log.
     */
    CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates);

    /** Writes what is queued, takes a final snapshot, and releases the files. */
    @Override
    void close();
}
