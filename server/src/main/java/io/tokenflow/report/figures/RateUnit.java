package io.tokenflow.report.figures;

import java.util.Locale;

/** A token-rate unit that keeps axis numbers short: tokens/s, k tokens/s or M tokens/s. */
record RateUnit(String label, double tokensPerSecondPerUnit) {

    static RateUnit forMagnitude(double tokensPerSecond) {
        if (tokensPerSecond >= 1e6) {
            return new RateUnit("M tokens/s", 1e6);
        }
        if (tokensPerSecond >= 1e3) {
            return new RateUnit("k tokens/s", 1e3);
        }
        return new RateUnit("tokens/s", 1);
    }

    double convert(double tokensPerSecond) {
        return tokensPerSecond / tokensPerSecondPerUnit;
    }

    String format(double tokensPerSecond) {
        return String.format(Locale.ROOT, "%,.1f %s", convert(tokensPerSecond), label);
    }
}
