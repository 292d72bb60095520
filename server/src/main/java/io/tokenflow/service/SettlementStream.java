package io.tokenflow.service;

import java.util.Iterator;
import java.util.List;

/**
 * Settlement records read one at a time, oldest first (from the market record on disk they are
 * decoded as they are taken, so an export of any length holds one record in memory); close it when
 * done, read to the end or not. Not thread-safe. {@link #next} may throw {@link VersionOutOfRangeException}
 * if retention drops the versions still to come while they are being read.
 */
public interface SettlementStream extends Iterator<SettlementRecord>, AutoCloseable {
    @Override
    void close();

    /** A stream over records already in memory. */
    static SettlementStream of(List<SettlementRecord> records) {
        Iterator<SettlementRecord> it = records.iterator();
        return new SettlementStream() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public SettlementRecord next() {
                return it.next();
            }

            @Override
            public void close() {}
        };
    }
}
