package io.tokenflow.service;

import io.tokenflow.market.solution.ServingShare;
import java.util.List;
import java.util.Optional;

/**
 * One origin × class's split as cumulative shares, so a request id's point of [0, 1) picks its answer in
 * O(sites): [1 − u, 1) is the unserved share u of the origin's demand, and [0, 1 − u) is stretched onto
 * the served split. With nothing unserved a point picks exactly the site it picked before shedding
 * existed. The SDK's local table copies this arithmetic, so both agree on every id.
 */
final class RouteTable {
    private final OriginSplit split;
    private final double[] upTo;

    RouteTable(OriginSplit split) {
        this.split = split;
        List<ServingShare> shares = split.shares();
        this.upTo = new double[shares.size()];
        double sum = 0;
        for (int i = 0; i < shares.size(); i++) {
            sum += shares.get(i).share();
            upTo[i] = sum;
        }
    }

    /** The share whose interval of [0, 1) holds {@code point}; empty where it falls in the unserved share. */
    Optional<ServingShare> pick(double point) {
        double served = 1 - split.unserved().share();
        if (point >= served || upTo.length == 0) {
            return Optional.empty();
        }
        double scaled = point / served * upTo[upTo.length - 1]; // shares sum to 1 up to rounding
        for (int i = 0; i < upTo.length - 1; i++) {
            if (scaled < upTo[i]) {
                return Optional.of(split.shares().get(i));
            }
        }
        return Optional.of(split.shares().get(upTo.length - 1));
    }

    double shareOf(String site) {
        return split.shares().stream().filter(s -> s.site().equals(site)).mapToDouble(ServingShare::share).sum();
    }

    OriginSplit split() {
        return split;
    }
}
