package io.tokenflow.service;

/** A version range asks for versions that are not (or no longer) retained. */
public final class VersionOutOfRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VersionOutOfRangeException(String message) {
        super(message);
    }
}
