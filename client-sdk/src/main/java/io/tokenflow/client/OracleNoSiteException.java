package io.tokenflow.client;

/** No feasible site remains for a route. */
public final class OracleNoSiteException extends OracleException {
    private static final long serialVersionUID = 1L;

    OracleNoSiteException(String statusCode, String message, Throwable cause) {
        super(statusCode, message, cause);
    }
}
