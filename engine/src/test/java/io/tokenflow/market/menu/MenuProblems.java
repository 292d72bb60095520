package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/** Seeded random menu problems for the tests: small populations, both curve kinds, ties, exclusions. */
final class MenuProblems {
    private MenuProblems() {}

    static MenuProblem random(RandomGenerator rnd, int maxTypes, int maxPoints, String name) {
        int n = 1 + rnd.nextInt(maxTypes);
        double[] raw = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            // now and then a type nobody is (share 0)
            raw[i] = rnd.nextInt(8) == 0 ? 0 : 0.05 + rnd.nextDouble();
            sum += raw[i];
        }
        if (sum == 0) {
            raw[0] = 1;
            sum = 1;
        }
        List<UserType> types = new ArrayList<>();
        double given = 0;
        for (int i = 0; i < n; i++) {
            double share = i == n - 1 ? Math.max(0, 1 - given) : raw[i] / sum;
            given += share;
            // values on a coarse ladder, so that equal values (one level) come up
            double theta = 0.001 * (1 + rnd.nextInt(12)) * (rnd.nextBoolean() ? 1 : 2.5);
            types.add(new UserType("t" + i, share, theta));
        }
        int points = 1 + rnd.nextInt(maxPoints);
        long step = 100L * (1 + rnd.nextInt(20));
        long min = rnd.nextInt(3) == 0 ? 0 : step * rnd.nextInt(3) + rnd.nextInt(2) * 50;
        CapGrid caps = new CapGrid(min, min + (points - 1) * step, step);
        ValueCurve curve;
        if (rnd.nextBoolean()) {
            curve = new ValueCurve.Saturating(200 + rnd.nextInt(4000));
        } else {
            List<ValueCurve.Points.Point> pts = new ArrayList<>();
            double t = 0;
            double v = 0;
            double slope = (0.2 + rnd.nextDouble()) / 500;
            int k = 1 + rnd.nextInt(4);
            for (int i = 0; i < k && v < 1; i++) {
                double dt = 100 + rnd.nextInt(1500);
                double dv = Math.min(1 - v, slope * dt);
                t += dt;
                v += dv;
                pts.add(new ValueCurve.Points.Point(t, v));
                slope *= rnd.nextDouble(); // concave: each segment no steeper than the one before
            }
            curve = new ValueCurve.Points(pts);
        }
        // costs from free to dearer than most types' values per token
        double cost = rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble() * 4;
        OptionalInt maxTiers = rnd.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(1 + rnd.nextInt(3));
        return new MenuProblem(name, cost, curve, types, caps, maxTiers);
    }
}
