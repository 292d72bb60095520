package io.tokenflow.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.service.NoFeasibleSiteException;
import io.tokenflow.service.OracleUnavailableException;
import io.tokenflow.service.ReadReplicaException;
import io.tokenflow.service.ReclearFailedException;
import io.tokenflow.service.VersionOutOfRangeException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Domain and service exceptions to gRPC statuses, keeping their messages (which name the field, id and value).
 * Anything else is a bug: the client gets INTERNAL in words with an error id, never the exception's class or
 * message, and the server log gets the exception under that id (its stack trace once per place it is thrown).
 */
final class StatusMapping {
    private static final System.Logger LOG = System.getLogger(StatusMapping.class.getName());

    /**
     * Longest description sent: messages echo the offending value, and a hostile 5,000-character id
     * (percent-encoded in the grpc-message trailer) would exceed the client's 8 KiB header limit, so the
     * client would see INTERNAL "http2 exception" instead of the status.
     */
    static final int MAX_DESCRIPTION = 512;

    /** A Java exception's name as {@code toString()} writes it, qualified or not, with the colon after it. */
    private static final Pattern EXCEPTION_NAME =
            Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b(?::\\s*)?");

    /** The error id of each failure already logged, by identity: one failure that ends several calls keeps one id. */
    private static final Map<Throwable, String> IDS = Collections.synchronizedMap(new WeakHashMap<>());
    /** The error id whose log entry holds the stack trace, per place a failure was thrown (bounded). */
    private static final Map<String, String> TRACED = new ConcurrentHashMap<>();
    private static final int MAX_TRACED = 1_000;

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
        if (e instanceof NoFeasibleSiteException || e instanceof ReadReplicaException) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof VersionOutOfRangeException) {
            return Status.OUT_OF_RANGE.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof ReclearFailedException && e.getMessage() != null
                && EXCEPTION_NAME.matcher(e.getMessage()).find()) {
            // not the solver's verdict but an unexpected exception in the engine or in publishing the version
            return Status.UNAVAILABLE.withDescription("the re-clear failed on an internal error; see the server log"
                    + " (error id " + logged(e) + ")").asRuntimeException();
        }
        if (e instanceof ReclearFailedException || e instanceof OracleUnavailableException) {
            // server-made text, which may quote a journal exception (e.g. an IOException): its words only
            return Status.UNAVAILABLE.withDescription(withoutExceptionNames(e.getMessage())).asRuntimeException();
        }
        return Status.INTERNAL.withDescription("internal error; see the server log (error id " + logged(e) + ")")
                .withCause(e).asRuntimeException();
    }

    /**
     * The status the client gets for a call of {@code rpc} closing with {@code status}: an INTERNAL or UNKNOWN
     * status made from an exception (its cause) says in words which call failed and the error id under which
     * the exception is logged; any other status is sent as it is.
     */
    static Status forClient(String rpc, Status status) {
        if ((status.getCode() != Status.Code.INTERNAL && status.getCode() != Status.Code.UNKNOWN)
                || status.getCause() == null) {
            return status;
        }
        return status.withDescription("internal error while answering " + rpc + "; see the server log (error id "
                + logged(status.getCause()) + ")");
    }

    /** {@code text} without the Java exception names in it ("re-clear failed: java.io.IOException: x" -> "re-clear failed: x"). */
    static String withoutExceptionNames(String text) {
        return text == null ? null : EXCEPTION_NAME.matcher(text).replaceAll("");
    }

    /**
     * Logs {@code e} at WARNING under a new error id, once per failure: with its stack trace the first time
     * one is thrown at its place (that of its root cause), in one line after that. Returns the id.
     */
    static String logged(Throwable e) {
        String id;
        synchronized (IDS) {
            id = IDS.get(e);
            if (id != null) {
                return id;
            }
            id = String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
            IDS.put(e, id);
        }
        Throwable root = e;
        for (int i = 0; i < 10 && root.getCause() != null; i++) {
            root = root.getCause();
        }
        StackTraceElement[] at = root.getStackTrace();
        String place = e.getClass().getName() + " / " + root.getClass().getName() + (at.length == 0 ? "" : " at " + at[0]);
        if (TRACED.size() >= MAX_TRACED) {
            TRACED.clear();
        }
        String traced = TRACED.putIfAbsent(place, id);
        if (traced == null) {
            LOG.log(Level.WARNING, "internal error, error id " + id + " (the caller got only the id)", e);
        } else {
            LOG.log(Level.WARNING, "internal error, error id " + id + ": " + e + " (stack trace under error id "
                    + traced + ")");
        }
        return id;
    }
}
