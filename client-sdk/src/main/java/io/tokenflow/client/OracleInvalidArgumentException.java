package io.tokenflow.client;

/** A request the oracle refused as malformed or out of range (nothing changed). */
public final class OracleInvalidArgumentException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleInvalidArgumentException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
