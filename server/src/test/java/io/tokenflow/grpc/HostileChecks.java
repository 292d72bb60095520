package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tokenflow.service.LeaderOracle;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The verdict on each case of {@link HostileInputTest}, whichever kind of input built it, and the tally by RPC
 * and by status that the test reports at the end.
 */
final class HostileChecks {
    static final Set<Status.Code> NEVER = EnumSet.of(Status.Code.INTERNAL, Status.Code.UNKNOWN);
    static final Set<Status.Code> READ_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.FAILED_PRECONDITION);
    static final Set<Status.Code> UPDATE_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.RESOURCE_EXHAUSTED);

    private final LeaderOracle oracle;
    final Map<String, Integer> cases = new TreeMap<>();
    final Map<Status.Code, Integer> codes = new TreeMap<>();

    HostileChecks(LeaderOracle oracle) {
        this.oracle = oracle;
    }

    /**
     * Runs one call. {@code ok} says whether the request is entirely valid; {@code allowed} are the codes a
     * rejection may have; {@code mentions} are strings of which the description must name one.
     */
    void check(String rpc, Runnable call, boolean ok, Set<Status.Code> allowed, List<String> mentions) {
        cases.merge(rpc, 1, Integer::sum);
        Status status = Status.OK;
        Throwable cause = null;
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            status = e.getStatus();
            cause = e.getCause();
        }
        codes.merge(status.getCode(), 1, Integer::sum);
        String what = rpc + " case " + cases.get(rpc) + ": " + status.getCode() + " " + abbreviate(status.getDescription());
        if (NEVER.contains(status.getCode())) {
            fail("crash: " + what + " cause " + cause, cause);
        }
        if (ok) {
            assertTrue(status.isOk() || status.getCode() == Status.Code.FAILED_PRECONDITION, what);
        } else {
            assertTrue(allowed.contains(status.getCode()), what + " (allowed " + allowed + ")");
            String description = String.valueOf(status.getDescription());
            if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                assertTrue(mentions.stream().anyMatch(m -> description.contains(abbreviate(m))),
                        what + " names none of " + mentions.stream().map(HostileChecks::abbreviate).toList());
            }
        }
        assertEquals(1, oracle.state().version(), "market_version after " + what);
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 60 ? s.substring(0, 60) : s;
    }

    /** Adds the field's name (empty), its value (unknown) to what the description may name; returns validity. */
    static boolean note(String field, String[] id, List<String> mentions) {
        if (id[1].equals("empty")) {
            mentions.add(field);
        } else if (id[1].equals("unknown")) {
            mentions.add(id[0]);
        }
        return id[1].equals("ok");
    }
}
