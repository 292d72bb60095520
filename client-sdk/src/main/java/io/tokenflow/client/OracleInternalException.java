package io.tokenflow.client;

/** Any other failure of the oracle. */
public final class OracleInternalException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleInternalException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
