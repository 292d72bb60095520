package io.tokenflow.client;

/** The oracle refused the caller's credentials or role. */
public final class OracleAccessDeniedException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleAccessDeniedException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
