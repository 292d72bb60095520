package io.tokenflow.demo;

import java.util.SplittableRandom;

/**
 * Request sizes in tokens, uniform per class: chat 200-1800 (mean 1,000), code 500-3,500 (2,000),
 * image 500-1,500 (1,000 token-equivalents), batch 2,000-6,000 (4,000); any other class 500-1,500.
 */
record RequestSizes(double min, double max) {

    static RequestSizes of(String classId) {
        return switch (classId) {
            case "chat" -> new RequestSizes(200, 1800);
            case "code" -> new RequestSizes(500, 3500);
            case "image" -> new RequestSizes(500, 1500);
            case "batch" -> new RequestSizes(2000, 6000);
            default -> new RequestSizes(500, 1500);
        };
    }

    double mean() {
        return (min + max) / 2;
    }

    /** E[size²] of {@link #draw}: whole numbers uniform on [min, max], variance ((max − min + 1)² − 1) / 12. */
    double meanSquare() {
        double n = max - min + 1;
        return mean() * mean() + (n * n - 1) / 12;
    }

    double draw(SplittableRandom random) {
        return Math.floor(min + random.nextDouble() * (max - min + 1));
    }

    /** Poisson(λ) arrivals: exact (Knuth) below 30, normal approximation above. */
    static long poisson(double lambda, SplittableRandom random) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 30) {
            double limit = Math.exp(-lambda);
            long k = 0;
            double p = random.nextDouble();
            while (p > limit) {
                k++;
                p *= random.nextDouble();
            }
            return k;
        }
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
    }
}
