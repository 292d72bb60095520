package io.tokenflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PricingOracleClient#tierMenu} against a real in-process oracle: the records map both ways. */
class MenuClientTest {
    private InProcessOracle oracle;
    private PricingOracleClient client;

    static final MenuPopulation USERS = new MenuPopulation("code-users",
            List.of(new MenuPopulation.Type("hobby", 0.6, 0.003), new MenuPopulation.Type("team", 0.3, 0.006),
                    new MenuPopulation.Type("enterprise", 0.1, 0.015)),
            new MenuPopulation.Points(List.of(new MenuPopulation.Point(2000, 0.5), new MenuPopulation.Point(6000, 0.8),
                    new MenuPopulation.Point(20000, 1))),
            new MenuPopulation.Caps(1000, 24000, 500), OptionalInt.empty());

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start("five-node");
        client = PricingOracleClient.builder().channel(oracle.channel()).watch(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        oracle.close();
    }

    @Test
    void asksTheOracleForTheMenuAtItsPriceAndMapsItBack() {
        TierMenuView got = client.tierMenu("chicago", "code", USERS);
        double pi = client.quote("chicago", "code").pricePerMTokens();
        assertEquals(pi, got.costPerMTokens(), 0);
        assertEquals("chicago", got.origin());
        assertEquals("code", got.workloadClass());
        assertEquals("code-users", got.name());
        assertEquals(1, got.marketVersion());
        TierMenu expected = MenuSolver.solve(new MenuProblem("code-users", pi, new ValueCurve.Points(List.of(
                new ValueCurve.Points.Point(2000, 0.5), new ValueCurve.Points.Point(6000, 0.8),
                new ValueCurve.Points.Point(20000, 1))), List.of(new UserType("hobby", 0.6, 0.003),
                        new UserType("team", 0.3, 0.006), new UserType("enterprise", 0.1, 0.015)),
                new CapGrid(1000, 24000, 500), OptionalInt.empty()));
        assertEquals(expected.profitPerRequest(), got.profitPerRequest(), 0);
        assertEquals(expected.tiers().stream().map(t -> new TierMenuView.Tier(t.capTokens(), t.pricePerRequest(),
                t.costFloorPerRequest(), t.types())).toList(), got.tiers());
        assertEquals(expected.choices().stream().map(c -> new TierMenuView.Choice(c.type(), c.capTokens(),
                c.pricePerRequest(), c.surplus())).toList(), got.choices());
        assertTrue(got.exact());
        TierMenuView saturating = client.tierMenu("chicago", "code", new MenuPopulation("s", USERS.types(),
                new MenuPopulation.Saturating(3000), USERS.caps(), OptionalInt.of(1)));
        assertEquals(1, saturating.tiers().size());
    }

    @Test
    void refusalsKeepTheOraclesWords() {
        OracleInvalidArgumentException bad = assertThrows(OracleInvalidArgumentException.class, () -> client.tierMenu(
                "chicago", "code", new MenuPopulation("x", List.of(new MenuPopulation.Type("a", 0.5, 0.01)),
                        new MenuPopulation.Saturating(1000), new MenuPopulation.Caps(0, 1000, 100), OptionalInt.empty())));
        assertTrue(bad.getMessage().contains("types: the shares add up to 0.5, not 1"), bad.getMessage());
        OracleNotFoundException unknown = assertThrows(OracleNotFoundException.class, () -> client.tierMenu(
                "atlantis", "code", USERS));
        assertTrue(unknown.getMessage().contains("unknown node 'atlantis'"), unknown.getMessage());
        assertThrows(OracleInvalidArgumentException.class, () -> client.tierMenu(null, "code", USERS));
    }
}
