package io.tokenflow.market.certify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the certificate check found, shared by all its parts, kept to 50 so a badly wrong result still
 * reads as a short report; and {@link #close}, the relative tolerance its equalities are judged by (the
 * absolute thresholds stay beside their checks).
 */
final class Violations {
    private final List<String> found = new ArrayList<>();

    static boolean close(double a, double b, double scale) {
        return Math.abs(a - b) <= 1e-6 * Math.max(1.0, Math.max(Math.abs(scale), Math.max(Math.abs(a), Math.abs(b))));
    }

    void fail(String format, Object... args) {
        if (found.size() < 50) {
            found.add(String.format(Locale.ROOT, format, args));
        }
    }

    void expectClose(String what, double actual, double expected) {
        if (!close(actual, expected, expected)) {
            fail("%s: %g, expected %g", what, actual, expected);
        }
    }

    List<String> list() {
        return found;
    }
}
