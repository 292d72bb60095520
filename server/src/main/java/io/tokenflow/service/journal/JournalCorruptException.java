package io.tokenflow.service.journal;

/**
 * The data directory holds something recovery must not guess about: a bad journal record followed by
 * valid ones, a gap in the sequence numbers, an unreadable snapshot, or a record that no longer
 * applies. The server refuses to start rather than skip acknowledged updates silently.
 */
public final class JournalCorruptException extends RuntimeException {
    public JournalCorruptException(String message) {
        super(message);
    }

    public JournalCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
