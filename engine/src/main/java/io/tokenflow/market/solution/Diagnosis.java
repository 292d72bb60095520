package io.tokenflow.market.solution;

import java.util.List;

/**
 * Why a clearing is INFEASIBLE: which must-serve classes fall short at which origins, what binds,
 * and a certificate that proves it.
 */
public record Diagnosis(String message, List<ClassShortfall> shortfalls, FarkasCertificate certificate) {

    public Diagnosis {
        shortfalls = List.copyOf(shortfalls);
    }
}
