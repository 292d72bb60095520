package io.tokenflow.market.menu;

/**
 * What a type may be given: option 0 is nothing (cap 0), options 1..count−1 the grid's non-zero caps,
 * ascending. Holds no array, so a grid of 10^6 points costs nothing until searched.
 */
final class CapOptions {
    private final CapGrid grid;
    /** 1 when the grid's first point is 0, which is option 0 itself. */
    private final int skip;

    CapOptions(CapGrid grid) {
        this.grid = grid;
        this.skip = grid.min() == 0 ? 1 : 0;
    }

    /** Nothing plus every non-zero cap. */
    int count() {
        return grid.size() - skip + 1;
    }

    long cap(int option) {
        return option == 0 ? 0 : grid.cap(option - 1 + skip);
    }

    /**
     * The smallest option maximising {@code weight·v(T) − costWeight·T}: a type group's contribution to
     * profit, with weight = Σ a_k (its virtual value) and costWeight = Σ f_k · c per token. With weight ≤ 0
     * nothing is best. Otherwise the function is concave along the options (v is concave and the cost
     * linear), so whether the next option still strictly improves is true up to a point and false after
     * it: a binary search on that finds the smallest maximiser in about log2(count) evaluations.
     */
    int best(ValueCurve curve, double weight, double costWeight) {
        if (weight <= 0) {
            return 0;
        }
        int lo = 0;
        int hi = count() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long from = cap(mid);
            long to = cap(mid + 1);
            if (weight * curve.increment(from, to) > costWeight * (to - from)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
