package io.tokenflow.service.journal;

/**
 * The data directory holds something recovery must not guess about: a bad journal record followed by
 * valid ones, a gap in the sequence numbers, an unreadable snapshot, or a record that no longer
 * applies. The server refuses to start rather than skip acknowledged updates silently. A missing or
 * damaged acknowledged record is its subclass {@link JournalLossException}, which an operator may accept.
 */
public class JournalCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalCorruptException(String message) {
        super(message);
    }

    public JournalCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
