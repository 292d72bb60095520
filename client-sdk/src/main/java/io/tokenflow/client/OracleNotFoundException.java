package io.tokenflow.client;

/** An origin, node or class id the oracle does not know. */
public final class OracleNotFoundException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleNotFoundException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
