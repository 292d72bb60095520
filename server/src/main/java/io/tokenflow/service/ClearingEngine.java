package io.tokenflow.service;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.util.List;

/**
 * The market the oracle re-clears: applies a batch of updates and clears. Called from one thread
 * only (the oracle's solver thread), so implementations need not be thread-safe. Applying a batch
 * twice gives the same inputs (updates set values), so a failed clear can be retried with the same batch.
 */
public interface ClearingEngine extends AutoCloseable {

    /** Applies {@code updates} all-or-nothing, then clears the market as it then stands. */
    ClearingResult applyAndClear(List<MarketUpdate> updates);

    /** The inputs with every update applied so far. */
    Scenario scenario();

    @Override
    void close();
}
