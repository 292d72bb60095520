package io.tokenflow.client;

import java.util.OptionalLong;

/**
 * What one {@link PricingOracleClient#exportSettlement} call handed over.
 *
 * @param records     how many records it passed to the sink
 * @param lastVersion the newest version among them; empty when there were none
 */
public record SettlementExport(long records, OptionalLong lastVersion) {

    /**
     * Where the next export should start so that it neither misses nor repeats a version: one past the
     * last version exported, or {@code fromVersion} again when nothing was exported.
     */
    public long nextFromVersion(long fromVersion) {
        return lastVersion.isPresent() ? lastVersion.getAsLong() + 1 : fromVersion;
    }
}
