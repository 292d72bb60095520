package io.tokenflow.client;

/** The oracle could not be reached in time and there was no table to answer from. */
public final class OracleUnavailableException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleUnavailableException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
