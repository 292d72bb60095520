package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetailCalibrationTest {

    @Test
    void noiseFreeDaysAreRecoveredAndHeldOutDaysPredicted() {
        RetailGame truth = SyntheticDays.truth(6, 10, 5);
        List<Observation> days = new ArrayList<>(SyntheticDays.days(truth, 30, 0, 6));
        days.addAll(SyntheticDays.days(truth, 10, 0, 7));
        Calibration.Result fit = Calibration.fit(days, 10);
        System.out.printf("noise-free: r2 %.12f mae %.6g iterations %d held-out r2 %.12f max error %.3g of demand%n",
                fit.r2(), fit.maeTokensPerSecond(), fit.iterations(), fit.heldOut().get().r2(),
                fit.heldOut().get().maxErrorShareOfDemand());
        assertTrue(fit.r2() >= 0.999, "r2 " + fit.r2());
        assertTrue(fit.heldOut().orElseThrow().maxErrorShareOfDemand() <= 0.01);
        assertEquals(1.2, fit.weights().congestion(), 1e-6);
        assertEquals(0.002, fit.weights().delay(), 1e-9);
        // values are identified up to a common constant: compare differences
        double shift = fit.valueMap().get("llm0") - truth.provider("llm0").value();
        for (RetailGame.Provider p : truth.providers()) {
            assertEquals(p.value(), fit.valueMap().get(p.id()) - shift, 1e-6, p.id());
        }
    }

    @Test
    void fivePercentNoiseStillFitsWell() {
        RetailGame truth = SyntheticDays.truth(6, 10, 8);
        List<Observation> days = SyntheticDays.days(truth, 30, 0.05, 9);
        Calibration.Result fit = Calibration.fit(days);
        System.out.printf("5%% noise: r2 %.6f mae %.6g w_q %.4f w_d %.6f iterations %d%n", fit.r2(),
                fit.maeTokensPerSecond(), fit.weights().congestion(), fit.weights().delay(), fit.iterations());
        assertTrue(fit.r2() >= 0.9, "r2 " + fit.r2());
    }

    @Test
    void aProviderNeverUsedIsReportedAsNotIdentified() {
        RetailGame truth = SyntheticDays.truth(4, 6, 3);
        List<RetailGame.Provider> ps = new ArrayList<>(truth.providers());
        // a provider nobody wants: priced far above its value
        ps.add(RetailGame.Provider.of("dud", 50, 1e6, 1));
        List<RetailGame.User> us = truth.users().stream().map(u -> {
            var d = new java.util.LinkedHashMap<>(u.delayMs());
            d.put("dud", 100.0);
            return new RetailGame.User(u.id(), u.demand(), d);
        }).toList();
        RetailGame withDud = new RetailGame("dud", truth.weights(), ps, us, truth.target(), truth.priceRange());
        Calibration.Result fit = Calibration.fit(SyntheticDays.days(withDud, 10, 0, 4));
        Calibration.FittedValue dud = fit.values().stream().filter(v -> v.provider().equals("dud")).findFirst()
                .orElseThrow();
        assertFalse(dud.identified());
        assertTrue(dud.atMost().isPresent());
        assertTrue(fit.r2() >= 0.999, "r2 " + fit.r2());
    }
}
