package io.tokenflow.market.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.MenuJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The solver against hand-solved menus, against brute force (every allocation, prices by LP) on many
 * random small problems, and against the full-grid program on larger ones; every answer checked for
 * incentive compatibility, participation and cost floors against every tier, here and by MenuCheck.
 */
class MenuSolverTest {

    /** θ·v(T) − P for every type against every tier and nothing, and every tier against its floor. */
    static void assertSound(MenuProblem p, TierMenu m) {
        assertEquals(List.of(), MenuCheck.violations(p, m), p.name());
        double c = p.costPerMTokens();
        double profit = 0;
        for (int i = 0; i < p.types().size(); i++) {
            UserType t = p.types().get(i);
            TierMenu.Choice choice = m.choices().get(i);
            double own = t.valuePerRequest() * p.value().value(choice.capTokens()) - choice.pricePerRequest();
            assertTrue(own >= -1e-12, p.name() + ": " + t.id() + " would rather buy nothing: " + own);
            for (TierMenu.Tier tier : m.tiers()) {
                double other = t.valuePerRequest() * p.value().value(tier.capTokens()) - tier.pricePerRequest();
                assertTrue(own >= other - 1e-12, p.name() + ": " + t.id() + " prefers " + tier + ": " + other + " > " + own);
            }
            profit += t.share() * (choice.pricePerRequest() - c * choice.capTokens() / 1e6);
        }
        for (TierMenu.Tier tier : m.tiers()) {
            assertTrue(tier.pricePerRequest() >= c * tier.capTokens() / 1e6 - 1e-12, p.name() + ": below floor " + tier);
            assertFalse(tier.types().isEmpty(), p.name() + ": a tier nobody takes " + tier);
        }
        assertEquals(profit, m.profitPerRequest(), 1e-12, p.name());
        assertTrue(m.exact());
    }

    static MenuProblem problem(double cost, ValueCurve v, CapGrid caps, OptionalInt maxTiers, UserType... types) {
        return new MenuProblem("hand", cost, v, List.of(types), caps, maxTiers);
    }

    static ValueCurve linearTo(double tokens) {
        return new ValueCurve.Points(List.of(new ValueCurve.Points.Point(tokens, 1)));
    }

    @Test
    void oneTypeGetsTheCapWhereItsMarginalValueMeetsTheCostAndPaysItAll() {
        // v: slopes 5e-4, 2.5e-4, 1.25e-4 per token; θ = 0.01: 5e-6, 2.5e-6, 1.25e-6 $ per token, all above c = 1e-6
        ValueCurve v = new ValueCurve.Points(List.of(new ValueCurve.Points.Point(1000, 0.5),
                new ValueCurve.Points.Point(2000, 0.75), new ValueCurve.Points.Point(4000, 1)));
        MenuProblem p = problem(1, v, new CapGrid(0, 8000, 500), OptionalInt.empty(), new UserType("only", 1, 0.01));
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(1, m.tiers().size());
        assertEquals(4000, m.tiers().get(0).capTokens(), "past 4000 the curve is flat: the smallest best cap");
        assertEquals(0.01, m.tiers().get(0).pricePerRequest(), 1e-15);
        assertEquals(0.004, m.tiers().get(0).costFloorPerRequest(), 1e-15);
        assertEquals(0.006, m.profitPerRequest(), 1e-15);
        assertEquals(0, m.choices().get(0).surplus(), 1e-15);
        // at c = 2 the last segment (1.25e-6 $ per token for the type) no longer pays: 2000 tokens
        TierMenu dear = MenuSolver.solve(p.withCost(2));
        assertEquals(2000, dear.tiers().get(0).capTokens());
        assertEquals(0.0075, dear.tiers().get(0).pricePerRequest(), 1e-15);
    }

    @Test
    void theWorkedExampleOfTheDocsByHand() throws IOException {
        // v slopes 5e-4, 2e-4, 3.3e-5 per token; c = 1e-6 $ per token; virtual values a = 0.002, 0.004, 0.004
        MenuProblem p = MenuJson.read(resource("menu/three-types.json")).problem();
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(List.of(1000L, 3000L, 6000L), m.tiers().stream().map(TierMenu.Tier::capTokens).toList());
        // P1 = 0.01 · 0.5; P2 = P1 + 0.02 · (0.9 − 0.5); P3 = P2 + 0.04 · (1 − 0.9)
        assertEquals(List.of(0.005, 0.013, 0.017), m.tiers().stream().map(t -> round(t.pricePerRequest())).toList());
        assertEquals(List.of(0.001, 0.003, 0.006), m.tiers().stream().map(t -> round(t.costFloorPerRequest())).toList());
        assertEquals(List.of(0.0, 0.005, 0.023), m.choices().stream().map(c -> round(c.surplus())).toList());
        assertEquals(0.0065, m.profitPerRequest(), 1e-15);
        // two tiers: plus and max pool at 3000 (0.0064) beats excluding basic (0.0061)
        MenuProblem two = new MenuProblem("two", 1, p.value(), p.types(), p.caps(), OptionalInt.of(2));
        TierMenu m2 = MenuSolver.solve(two);
        assertSound(two, m2);
        assertEquals(List.of(new TierMenu.Tier(1000, 0.005, 0.001, List.of("basic")),
                new TierMenu.Tier(3000, m2.tiers().get(1).pricePerRequest(), 0.003, List.of("plus", "max"))), m2.tiers());
        assertEquals(0.013, m2.tiers().get(1).pricePerRequest(), 1e-15);
        assertEquals(0.0064, m2.profitPerRequest(), 1e-15);
        assertEquals(0.0064, MenuBruteForce.solve(two, false).profit(), 1e-9);
    }

    private static double round(double x) {
        return Math.round(x * 1e12) / 1e12;
    }

    @Test
    void aLowTypeWorthLessThanTheRentItCostsIsExcluded() {
        // a_low = 0.5·1 − (3 − 1)·0.5 < 0: serving it would cut the high type's price by more than it pays
        MenuProblem p = problem(0, linearTo(1000), new CapGrid(0, 2000, 500), OptionalInt.empty(),
                new UserType("low", 0.5, 1), new UserType("high", 0.5, 3));
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(List.of(new TierMenu.Tier(1000, 3, 0, List.of("high"))), m.tiers());
        assertEquals(new TierMenu.Choice("low", 0, 0, 0), m.choices().get(0));
        assertEquals(1.5, m.profitPerRequest(), 1e-15);
        assertEquals(1.5, MenuBruteForce.solve(p, false).profit(), 1e-9);
    }

    @Test
    void typesThatWouldNotBeSeparatedProfitablyArePooled() {
        // both want the whole curve: one tier at the low type's value; the high type keeps a rent of 0.5
        MenuProblem p = problem(0, linearTo(1000), new CapGrid(0, 2000, 500), OptionalInt.empty(),
                new UserType("low", 0.5, 1), new UserType("high", 0.5, 1.5));
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(List.of(new TierMenu.Tier(1000, 1, 0, List.of("low", "high"))), m.tiers());
        assertEquals(0.5, m.choices().get(1).surplus(), 1e-15);
        assertEquals(1, m.profitPerRequest(), 1e-15);
    }

    @Test
    void theTierLimitBindsAndCostsProfit() {
        MenuProblem free = problem(0.5, new ValueCurve.Saturating(2000), new CapGrid(0, 32000, 250), OptionalInt.empty(),
                new UserType("a", 0.4, 0.01), new UserType("b", 0.3, 0.012), new UserType("c", 0.2, 0.015),
                new UserType("d", 0.1, 0.02));
        TierMenu all = MenuSolver.solve(free);
        assertSound(free, all);
        assertEquals(4, all.tiers().size(), all.toString());
        double previous = all.profitPerRequest();
        for (int k = 3; k >= 1; k--) {
            MenuProblem limited = new MenuProblem("k" + k, free.costPerMTokens(), free.value(), free.types(),
                    free.caps(), OptionalInt.of(k));
            TierMenu m = MenuSolver.solve(limited);
            assertSound(limited, m);
            assertTrue(m.tiers().size() <= k);
            assertTrue(m.profitPerRequest() < previous, k + " tiers earn " + m.profitPerRequest() + " vs " + previous);
            assertEquals(MenuGridProgram.profit(limited), m.profitPerRequest(), 1e-12);
            previous = m.profitPerRequest();
        }
    }

    @Test
    void equalValuesAreOneLevelAndBuyTheSameTier() {
        MenuProblem p = problem(0.2, new ValueCurve.Saturating(1000), new CapGrid(100, 5000, 100), OptionalInt.empty(),
                new UserType("x", 0.3, 0.01), new UserType("y", 0.2, 0.004), new UserType("x2", 0.5, 0.01));
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(m.choices().get(0).capTokens(), m.choices().get(2).capTokens());
        assertEquals(MenuBruteForce.solve(new MenuProblem("coarse", 0.2, p.value(), p.types(), new CapGrid(0, 5000, 1000),
                OptionalInt.empty()), false).profit(), MenuSolver.solve(new MenuProblem("coarse", 0.2, p.value(),
                        p.types(), new CapGrid(0, 5000, 1000), OptionalInt.empty())).profitPerRequest(), 1e-9);
    }

    @Test
    void aGridOnlyOfZeroOrOfCapsNobodyPaysForSellsNothing() {
        MenuProblem zero = problem(1, new ValueCurve.Saturating(1000), new CapGrid(0, 0, 1), OptionalInt.empty(),
                new UserType("a", 1, 1));
        assertEquals(List.of(), MenuSolver.solve(zero).tiers());
        MenuProblem dear = problem(1e6, new ValueCurve.Saturating(1000), new CapGrid(500, 5000, 500),
                OptionalInt.empty(), new UserType("a", 0.5, 0.01), new UserType("b", 0.5, 0.02));
        TierMenu m = MenuSolver.solve(dear);
        assertSound(dear, m);
        assertEquals(List.of(), m.tiers());
        assertEquals(0, m.profitPerRequest());
        assertEquals(new TierMenu.Choice("b", 0, 0, 0), m.choices().get(1));
    }

    @Test
    void theFormatsExampleIsSoundAndMatchesTheFullGridProgram() throws IOException {
        MenuProblem p = MenuJson.read(resource("menu/chat-ashburn.json")).problem();
        TierMenu m = MenuSolver.solve(p);
        assertSound(p, m);
        assertEquals(MenuGridProgram.profit(p), m.profitPerRequest(), 1e-15);
        assertEquals("chat-ashburn", m.name());
        assertEquals(0.078, m.costPerMTokens());
        // the brute force on a coarser grid of the same problem
        MenuProblem coarse = new MenuProblem("coarse", p.costPerMTokens(), p.value(), p.types(),
                new CapGrid(0, 32000, 4000), p.maxTiers());
        assertEquals(MenuBruteForce.solve(coarse, true).profit(), MenuSolver.solve(coarse).profitPerRequest(), 1e-9);
    }

    @Test
    void reachesTheBruteForceOptimumOnRandomSmallProblems() {
        SplittableRandom rnd = new SplittableRandom(17);
        int lps = 0;
        int pooled = 0;
        int excluded = 0;
        int everyAllocation = 0;
        for (int run = 0; run < 250; run++) {
            MenuProblem p = MenuProblems.random(rnd, 5, 4, "random-" + run);
            // where it is small enough, over every allocation, not just the monotone ones
            boolean every = Math.pow(p.caps().size() + 1, p.types().size()) <= 256;
            everyAllocation += every ? 1 : 0;
            MenuBruteForce.Best best = MenuBruteForce.solve(p, !every);
            lps += best.lps();
            TierMenu m = MenuSolver.solve(p);
            assertSound(p, m);
            assertEquals(best.profit(), m.profitPerRequest(), 1e-9 + 1e-7 * Math.abs(best.profit()),
                    p + "\nbrute force " + java.util.Arrays.toString(best.caps()) + " " + m);
            pooled += m.tiers().stream().anyMatch(t -> t.types().size() > 1) ? 1 : 0;
            excluded += m.choices().stream().anyMatch(c -> c.capTokens() == 0) ? 1 : 0;
        }
        // the sample exercises what the program has to get right
        assertTrue(pooled > 20 && excluded > 20 && everyAllocation > 50, "pooled " + pooled + ", excluded "
                + excluded + ", every allocation " + everyAllocation);
        assertTrue(lps > 5_000, "LPs solved: " + lps);
        System.out.println("MenuSolverTest: " + lps + " price LPs over 250 problems, " + everyAllocation
                + " of them over every allocation; " + pooled + " menus pool types, " + excluded + " exclude some");
    }

    @Test
    void matchesTheFullGridProgramOnRandomLargerProblems() {
        SplittableRandom rnd = new SplittableRandom(2510);
        for (int run = 0; run < 300; run++) {
            MenuProblem p = MenuProblems.random(rnd, 9, 300, "grid-" + run);
            TierMenu m = MenuSolver.solve(p);
            assertSound(p, m);
            double reference = MenuGridProgram.profit(p);
            assertEquals(reference, m.profitPerRequest(), 1e-12 + 1e-9 * Math.abs(reference), p.toString());
        }
    }

    @Test
    void aGridOfAMillionPointsAndAHundredTypesIsQuick() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<UserType> types = new java.util.ArrayList<>();
        for (int i = 0; i < MenuProblem.MAX_TYPES; i++) {
            types.add(new UserType("t" + i, 1.0 / MenuProblem.MAX_TYPES, 0.001 + 0.05 * rnd.nextDouble()));
        }
        MenuProblem p = new MenuProblem("big", 0.3, new ValueCurve.Saturating(3000), types,
                new CapGrid(1, 1_000_000, 1), OptionalInt.of(6));
        long start = System.nanoTime();
        TierMenu m = MenuSolver.solve(p);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertSound(p, m);
        assertTrue(m.tiers().size() <= 6 && !m.tiers().isEmpty());
        assertTrue(ms < 5_000, "took " + ms + " ms");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = MenuSolverTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
