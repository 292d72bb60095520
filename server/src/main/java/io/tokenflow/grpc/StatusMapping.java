package io.tokenflow.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.service.NoFeasibleSiteException;
import io.tokenflow.service.OracleUnavailableException;
import io.tokenflow.service.ReclearFailedException;
import io.tokenflow.service.VersionOutOfRangeException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;

/** Domain and service exceptions to gRPC statuses, keeping their messages (which name the field, id and value). */
final class StatusMapping {
    private static final System.Logger LOG = System.getLogger(StatusMapping.class.getName());

    /**
     * Longest description sent: messages echo the offending value, and a hostile 5,000-character id
     * (percent-encoded in the grpc-message trailer) would exceed the client's 8 KiB header limit, so the
     * client would see INTERNAL "http2 exception" instead of the status.
     */
    static final int MAX_DESCRIPTION = 512;

    private StatusMapping() {}

    static StatusRuntimeException toStatus(Throwable error) {
        StatusRuntimeException s = map(error);
        String d = s.getStatus().getDescription();
        return d == null || d.length() <= MAX_DESCRIPTION ? s
                : s.getStatus().withDescription(shorten(d)).asRuntimeException(s.getTrailers());
    }

    /** The first {@link #MAX_DESCRIPTION} characters (never half a surrogate pair) and how many were cut. */
    static String shorten(String d) {
        if (d.length() <= MAX_DESCRIPTION) {
            return d;
        }
        int end = Character.isHighSurrogate(d.charAt(MAX_DESCRIPTION - 1)) ? MAX_DESCRIPTION - 1 : MAX_DESCRIPTION;
        return d.substring(0, end) + "... (" + (d.length() - end) + " more characters)";
    }

    private static StatusRuntimeException map(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof UnknownIdException) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof InvalidScenarioException || e instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof NoFeasibleSiteException || e instanceof io.tokenflow.service.ReadReplicaException) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof VersionOutOfRangeException) {
            return Status.OUT_OF_RANGE.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof ReclearFailedException || e instanceof OracleUnavailableException) {
            return Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
        LOG.log(Level.ERROR, "unexpected error answering an RPC", e);
        return Status.INTERNAL.withDescription(e.getClass().getSimpleName() + ": " + e.getMessage())
                .asRuntimeException();
    }
}
