package io.tokenflow.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.OriginMenu;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The menu figure: one series each for the caps, prices and floors of every tier, written as a PNG. */
class MenuFigureTest {
    @TempDir
    Path dir;

    @Test
    void drawsCapsPricesAndFloorsPerTierAcrossOrigins() throws Exception {
        MenuProblem p = new MenuProblem("users", 0, new ValueCurve.Saturating(2000), List.of(
                new UserType("a", 0.5, 0.004), new UserType("b", 0.3, 0.006), new UserType("c", 0.15, 0.01),
                new UserType("d", 0.05, 0.02)),
                new CapGrid(0, 20000, 100), OptionalInt.empty());
        List<OriginMenu> menus = List.of(new OriginMenu("dear", "chat", MenuSolver.solve(p.withCost(0.09))),
                new OriginMenu("cheap", "chat", MenuSolver.solve(p.withCost(0.05))),
                new OriginMenu("also-cheap", "chat", MenuSolver.solve(p.withCost(0.05))));
        Figure f = MenuFigure.build("users", "chat", menus);
        assertEquals("menu-chat", f.fileStem());
        int tiers = menus.stream().mapToInt(m -> m.menu().tiers().size()).max().orElseThrow();
        assertEquals(4, tiers);
        assertEquals(3 * tiers, f.chart().getSeriesMap().size());
        assertTrue(f.chart().getSeriesMap().containsKey("tier 1 cap") && f.chart().getSeriesMap().containsKey(
                "tier 4 floor"));
        Path png = FigureFiles.writePng(f, dir);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(FigureStyle.WIDTH, image.getWidth());
        assertTrue(Files.size(png) > 10_000);
        // nothing sold anywhere still draws
        Figure none = MenuFigure.build("users", "chat", List.of(new OriginMenu("x", "chat",
                MenuSolver.solve(p.withCost(1e9)))));
        assertTrue(FigureFiles.writePng(none, dir.resolve("none")).toFile().length() > 0);
    }
}
