package io.tokenflow.service;

/**
 * The market record cannot be written (the version is then not published) or read back (a damaged
 * record: the server log names the file and offset). Never an argument error: callers see INTERNAL
 * or a stale market, not INVALID_ARGUMENT.
 */
final class MarketRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MarketRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
