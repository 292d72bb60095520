package io.tokenflow.cli;

import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.market.io.MenuJson;
import io.tokenflow.market.menu.MenuRequest;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.OriginMenu;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.report.figures.FigureFiles;
import io.tokenflow.report.figures.MenuFigure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenflow menu}: the revenue-optimal token-cap tier menu of a user population (docs/menus.md),
 * at the cost the file gives or at the local price π(origin, class) of a cleared market.
 */
@Command(name = "menu", mixinStandardHelpOptions = true,
        description = {"Price the revenue-optimal token-cap tier menu of a user population (menu format v1, "
                + "docs/menus.md): exact over the cap grid, every tier at or above its cost floor c·cap/10^6.",
            "The cost c is the file's costPerMTokens, or with --scenario or --target the market price "
                    + "π(origin, class) at the users' origin; --all-origins prices the same users at every origin."})
final class MenuCommand implements Callable<Integer> {
    enum Format { json, table }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The menu problem (JSON), '-' for standard input.")
    String file;

    @Option(names = "--scenario", paramLabel = "NAME|FILE",
            description = "Clear this scenario (embedded name, v1 file or '-') and take the cost from its prices.")
    String scenario;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Take the cost from the prices of this running oracle.")
    String target;

    @Mixin
    OracleConnectionOptions connection = new OracleConnectionOptions();

    @Option(names = "--deadline", defaultValue = "30s", converter = ServeCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "With --target: give up on each call after this long "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "The users' origin (default: the file's origin).")
    String origin;

    @Option(names = "--class", paramLabel = "CLASS", description = "Their workload class (default: the file's class).")
    String classId;

    @Option(names = "--all-origins",
            description = "The menu at every origin of the class, cheapest π first: how caps and prices shift "
                    + "with the local price.")
    boolean allOrigins;

    @Option(names = "--figure", paramLabel = "DIR",
            description = "With --all-origins, also draw the caps and prices per tier at each origin as "
                    + "DIR/menu-<class>.png.")
    Path figure;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws IOException {
        if (scenario != null && target != null) {
            throw new IllegalArgumentException("--scenario and --target are two markets: give one");
        }
        if ("-".equals(file) && "-".equals(scenario)) {
            throw new IllegalArgumentException("FILE and --scenario cannot both read standard input");
        }
        boolean market = scenario != null || target != null;
        if (!market && (origin != null || classId != null || allOrigins)) {
            throw new IllegalArgumentException((allOrigins ? "--all-origins" : origin != null ? "--origin" : "--class")
                    + " takes the cost from a cleared market: give --scenario NAME|FILE or --target HOST:PORT");
        }
        if (allOrigins && origin != null) {
            throw new IllegalArgumentException("--all-origins prices every origin: leave out --origin '" + origin + "'");
        }
        if (figure != null && !allOrigins) {
            throw new IllegalArgumentException("--figure draws the menus of every origin: give --all-origins");
        }
        MenuRequest problem = "-".equals(file)
                ? MenuJson.read(new String(System.in.readAllBytes(), StandardCharsets.UTF_8))
                : MenuJson.read(Path.of(file));
        PrintWriter out = spec.commandLine().getOut();
        if (!market) {
            if (problem.origin().isPresent() || problem.classId().isPresent()) {
                throw new IllegalArgumentException((problem.origin().isPresent() ? "origin" : "class")
                        + ": the file takes its cost from a cleared market: give --scenario NAME|FILE or --target "
                        + "HOST:PORT");
            }
            TierMenu menu = MenuSolver.solve(problem.problem());
            out.print(format == Format.json ? MenuJson.write(menu) : MenuTable.render(problem.problem(), menu, null));
            out.flush();
            return 0;
        }
        if (problem.costPerMTokens().isPresent()) {
            throw new IllegalArgumentException("costPerMTokens: the file gives the cost, and --scenario/--target the "
                    + "market's π(origin, class): drop one");
        }
        String k = classId != null ? classId : problem.classId().orElseThrow(() -> new IllegalArgumentException(
                "class: give --class or \"class\" in the file, the workload class whose price is the cost"));
        if (target != null) {
            try (PricingOracleClient client = connection.client(target, deadline)) {
                return answer(problem, MenuPrices.oracle(client, target), k, out);
            }
        }
        return answer(problem, MenuPrices.cleared(ScenarioSource.load(scenario, System.in)), k, out);
    }

    private int answer(MenuRequest problem, MenuPrices prices, String k, PrintWriter out) throws IOException {
        if (!allOrigins) {
            String o = origin != null ? origin : problem.origin().orElseThrow(() -> new IllegalArgumentException(
                    "origin: give --origin, \"origin\" in the file, or --all-origins"));
            double pi = prices.price(o, k);
            OriginMenu menu = new OriginMenu(o, k, MenuSolver.solve(problem.problem(pi)));
            out.print(format == Format.json ? MenuJson.write(menu)
                    : MenuTable.render(problem.problem(pi), menu.menu(), "π(" + o + ", " + k + ") of " + prices.source()));
            out.flush();
            return 0;
        }
        List<OriginMenu> menus = new ArrayList<>();
        for (MenuPrices.Origin o : prices.all(k)) {
            menus.add(new OriginMenu(o.origin(), k, MenuSolver.solve(problem.problem(o.price()))));
        }
        // cheapest first, so the table reads as the menu's response to a rising local price
        menus.sort(Comparator.comparingDouble((OriginMenu m) -> m.menu().costPerMTokens()).thenComparing(OriginMenu::origin));
        out.print(format == Format.json ? MenuJson.writeAll(k, menus)
                : MenuTable.renderAll(problem.name(), k, menus, prices.source()));
        out.flush();
        if (figure != null) {
            Path png = FigureFiles.writePng(MenuFigure.build(problem.name(), k, menus), figure);
            spec.commandLine().getErr().println("tokenflow menu: wrote " + png);
        }
        return 0;
    }
}
