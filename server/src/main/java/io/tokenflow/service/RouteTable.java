package io.tokenflow.service;

import io.tokenflow.market.solution.ServingShare;
import java.util.List;

/** One origin × class's cleared split as cumulative shares, so a request id picks its site in O(sites). */
final class RouteTable {
    private final List<ServingShare> shares;
    private final double[] upTo;

    RouteTable(List<ServingShare> shares) {
        this.shares = List.copyOf(shares);
        this.upTo = new double[shares.size()];
        double sum = 0;
        for (int i = 0; i < shares.size(); i++) {
            sum += shares.get(i).share();
            upTo[i] = sum;
        }
    }

    /** The share whose interval of [0, 1) holds {@code point}. */
    ServingShare pick(double point) {
        double scaled = point * upTo[upTo.length - 1]; // shares sum to 1 up to rounding
        for (int i = 0; i < upTo.length - 1; i++) {
            if (scaled < upTo[i]) {
                return shares.get(i);
            }
        }
        return shares.get(shares.size() - 1);
    }

    double shareOf(String site) {
        return shares.stream().filter(s -> s.site().equals(site)).mapToDouble(ServingShare::share).sum();
    }

    List<ServingShare> shares() {
        return shares;
    }
}
