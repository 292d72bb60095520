package io.tokenflow.service;

/** The oracle is shutting down (or has shut down) and takes no more work. */
public final class OracleUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OracleUnavailableException(String message) {
        super(message);
    }
}
