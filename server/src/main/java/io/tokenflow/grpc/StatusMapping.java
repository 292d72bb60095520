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

    private StatusMapping() {}

    static StatusRuntimeException toStatus(Throwable error) {
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
        if (e instanceof NoFeasibleSiteException) {
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
