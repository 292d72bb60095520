package io.tokenflow.client;

/**
 * A failed oracle call, typed by its gRPC status: {@link OracleNotFoundException} (NOT_FOUND),
 * {@link OracleInvalidArgumentException} (INVALID_ARGUMENT, OUT_OF_RANGE), {@link OracleNoSiteException}
 * (FAILED_PRECONDITION), {@link OracleUnavailableException} (UNAVAILABLE, DEADLINE_EXCEEDED, and no table to
 * fall back on), {@link OracleAccessDeniedException} (UNAUTHENTICATED, PERMISSION_DENIED). The message is the
 * oracle's own (it names the field, id or value).
 */
public abstract sealed class OracleException extends RuntimeException
        permits OracleNotFoundException, OracleInvalidArgumentException, OracleNoSiteException,
                OracleUnavailableException, OracleAccessDeniedException, OracleInternalException {
    private static final long serialVersionUID = 1L;

    private final String statusCode;

    OracleException(String statusCode, String message, Throwable cause) {
        super(statusCode + ": " + message, cause);
        this.statusCode = statusCode;
    }

    /** The gRPC status code name, e.g. {@code NOT_FOUND}. */
    public String statusCode() {
        return statusCode;
    }
}
