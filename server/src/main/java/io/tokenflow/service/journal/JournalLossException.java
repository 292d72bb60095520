package io.tokenflow.service.journal;

/**
 * The data directory shows that acknowledged journal records are missing or damaged, or its commit
 * marker cannot vouch for them: the server refuses to start unless the operator accepts the loss
 * ({@link RecoveryOptions#acceptJournalLoss()}, {@code --accept-journal-loss}). The message names
 * what is missing and ends with what to do.
 */
public final class JournalLossException extends JournalCorruptException {
    private static final long serialVersionUID = 1L;

    /** The end of every refusal's message: what an operator can do. */
    static final String WHAT_TO_DO = "; refusing to start: restore the missing files from a backup (docs/operations.md,"
            + " \"Recovering the leader\"), or start with --accept-journal-loss to continue from what is left (logged;"
            + " new versions are numbered above every version promised or recorded)";

    /** {@code loss} names what is missing; the message adds {@link #WHAT_TO_DO}. */
    JournalLossException(String loss) {
        super(loss + WHAT_TO_DO);
    }
}
