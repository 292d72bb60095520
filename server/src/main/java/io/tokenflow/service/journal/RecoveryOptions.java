package io.tokenflow.service.journal;

/**
 * What journal recovery checks the directory against besides the commit marker, and what it may do
 * about a loss it finds.
 *
 * @param recordedVersion   the newest version the market record holds (0: none, or no record): every
 *                          published version was promised in the journal first, so a journal promising
 *                          less is older than the record
 * @param acceptJournalLoss start from what is left when acknowledged records are missing or damaged, or
 *                          the commit marker is missing, damaged or older than the journal (logged as an
 *                          ERROR, new versions numbered above every version promised or recorded); false:
 *                          refuse to start ({@link JournalLossException})
 */
public record RecoveryOptions(long recordedVersion, boolean acceptJournalLoss) {
    /** Refuse on any loss; no market record to check against. */
    public static final RecoveryOptions STRICT = new RecoveryOptions(0, false);

    public RecoveryOptions {
        if (recordedVersion < 0) {
            throw new IllegalArgumentException("the recorded version must be >= 0, got " + recordedVersion);
        }
    }
}
