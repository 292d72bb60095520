package io.tokenflow.report;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignal;
import io.tokenflow.market.analysis.InvestmentSignals;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.Settlement;
import io.tokenflow.report.figures.Figure;
import io.tokenflow.report.figures.FigureFiles;
import io.tokenflow.report.figures.ReportFigures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link MarketReport} as PNG and SVG figures plus one static {@code index.html} that shows
 * them with the tables behind them. The page has no script and no external resource, so it opens
 * from a file, a CI artefact or a docs folder alike.
 */
public final class ReportWriter {
    /** The page every report links its figures from. */
    public static final String INDEX = "index.html";

    private ReportWriter() {}

    /** A titled part of the page: its figures, then its tables (HTML). */
    private record Section(String id, String heading, String intro, List<Figure> figures, String tables) {}

    /**
     * Writes every figure (PNG, and SVG when {@code svg}) and the page into {@code dir} (created if
     * missing); files already there with the same names are replaced, each atomically. Returns the
     * files written, the page last.
     */
    public static List<Path> write(MarketReport report, Path dir, boolean svg) throws IOException {
        List<Section> sections = sections(report);
        List<Path> written = new ArrayList<>();
        for (Section section : sections) {
            for (Figure figure : section.figures()) {
                if (svg) {
                    FigureFiles.Written files = FigureFiles.write(figure, dir);
                    written.add(files.png());
                    written.add(files.svg());
                } else {
                    written.add(FigureFiles.writePng(figure, dir));
                }
            }
        }
        written.add(FigureFiles.writeText(dir, INDEX, page(report, sections, svg)));
        return written;
    }

    private static List<Section> sections(MarketReport report) {
        ClearingResult result = report.result();
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("dispatch", "Where the load goes",
                "Nodes at their latitude and longitude, sized by what they process, with a slice per class; lines"
                        + " are cleared flows coloured by class and sized by volume; congested links are marked.",
                List.of(ReportFigures.dispatchMap(report.scenario(), result)), congestedLinksTable(result)));
        sections.add(new Section("processing", "Processing by node and class",
                "What each node processes, by class; labels carry the node's electricity price.",
                List.of(ReportFigures.processing(report.scenario(), result)), processingTable(report)));
        sections.add(new Section("utilisation", "Utilisation",
                "Load over capacity for every node × class and every directed link; full ones are highlighted.",
                List.of(ReportFigures.nodeUtilisation(result), ReportFigures.linkUtilisation(result)), ""));
        if (!report.sweep().points().isEmpty()) {
            sections.add(new Section("sweep", "Demand sweep",
                    "The market re-cleared with demand scaled (" + report.sweep().scaleMeaning() + "): mean price"
                            + " per class, scarce node-class pairs and congested links; the mark is where demand"
                            + " stops being fully served.",
                    List.of(ReportFigures.demandSweep(report.sweep().points(), report.indicators(),
                            report.sweep().scaleMeaning())),
                    sweepTable(report)));
        }
        if (result.optimal()) {
            List<Figure> decompositions = new ArrayList<>();
            for (String cls : result.classIds()) {
                decompositions.add(ReportFigures.priceDecomposition(result, cls));
            }
            sections.add(new Section("prices", "Prices and their decomposition",
                    "Every origin's price π = energy + scarcity + routing + congestion (+ the penalty where the"
                            + " marginal unit goes unserved), along the path to the node that serves it.",
                    decompositions, pricesTable(result)));
            sections.add(new Section("investment", "Investment signals",
                    "What one more percent of each capacity is worth at today's rents (scarcity rent μ for node"
                            + " × class, congestion rent η for links), counted over "
                            + hours(report) + ". The prediction is exact while the optimal basis holds and an"
                            + " upper bound beyond.",
                    List.of(ReportFigures.investmentSignals(report.signals(), report.topSignals())),
                    signalsTable(report)));
        }
        if (!report.history().isEmpty()) {
            List<Figure> histories = new ArrayList<>();
            report.history().forEach(series -> histories.add(ReportFigures.priceHistory(series)));
            sections.add(new Section("history", "Price history",
                    "The price of each origin over the versions the oracle retains; each version lists what"
                            + " made it.", histories, historyTable(report.history().get(0))));
        }
        return sections;
    }

    // ---- the page ----

    private static String page(MarketReport report, List<Section> sections, boolean svg) {
        StringBuilder html = new StringBuilder(32_768);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(report.title())).append(" — TokenFlow market report</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(esc(report.title())).append("</h1>\n<p class=\"meta\">")
                .append(esc(report.source())).append(" · generated ").append(esc(report.generatedAt().toString()))
                .append("<br>made by <code>").append(esc(report.command())).append("</code></p>\n");
        html.append("<nav>");
        for (Section s : sections) {
            html.append("<a href=\"#").append(s.id()).append("\">").append(esc(s.heading())).append("</a> ");
        }
        html.append("</nav>\n");
        html.append(summaryTable(report));
        for (Section s : sections) {
            html.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(esc(s.heading()))
                    .append("</h2>\n<p>").append(esc(s.intro())).append("</p>\n");
            for (Figure f : s.figures()) {
                String image = "<img src=\"" + f.fileStem() + ".png\" alt=\"" + esc(f.title()) + "\" width=\""
                        + f.width() + "\" height=\"" + f.height() + "\">";
                String vector = "<a href=\"" + f.fileStem() + ".svg\">";
                html.append("<figure>").append(svg ? vector + image + "</a>" : image).append("<figcaption>")
                        .append(esc(f.caption())).append(svg ? " " + vector + "SVG</a>" : "")
                        .append("</figcaption></figure>\n");
            }
            html.append(s.tables()).append("</section>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static String summaryTable(MarketReport report) {
        ClearingResult r = report.result();
        Table t = new Table("Summary", "quantity", "value");
        t.row("status", r.status().toString());
        t.row("bandwidth model", r.bandwidthModel().toString().toLowerCase(Locale.ROOT).replace('_', '-'));
        r.objectivePerHour().ifPresent(cost -> t.row("cost ($/hr)", money(cost)));
        double demand = report.scenario().totalDemandTokensPerSecond();
        t.row("demand (tokens/s)", grouped(demand));
        t.row("unserved (tokens/s)", grouped(r.totalUnservedTokensPerSecond()));
        r.settlement().ifPresent((Settlement s) -> {
            t.row("user payments ($/hr)", money(s.userPaymentsPerHour()));
            t.row("compute revenue ($/hr)", money(s.computeRevenuePerHour()));
            t.row("network revenue ($/hr)", money(s.networkRevenuePerHour()));
            t.row("merchandising surplus ($/hr)", money(s.merchandisingSurplusPerHour()));
        });
        if (r.optimal()) {
            for (String cls : r.classIds()) {
                t.row("mean price, " + cls + " ($/M tokens)", price(r.meanPrice(cls)));
            }
            t.row("scarce node × class pairs (μ ≥ " + report.indicators().scarcityThreshold() + ")",
                    Integer.toString(report.indicators().scarcePairs(r).size()));
            t.row("congested links (η > 0)", Integer.toString(MarketIndicators.congestedLinks(r).size()));
        }
        r.diagnosis().ifPresent(d -> t.row("diagnosis", d.message()));
        return t.html();
    }

    private static String congestedLinksTable(ClearingResult r) {
        List<LinkState> busy = r.links().stream()
                .filter(l -> l.congestionRent() > 0 || l.utilization() >= MarketIndicators.SATURATION).toList();
        if (busy.isEmpty()) {
            return "<p>No link is full.</p>\n";
        }
        Table t = new Table("Full links", "link", "utilisation", "congestion rent", "tokens/s", "GB/s");
        for (LinkState l : busy) {
            t.row(l.from() + " → " + l.to(), percent(l.utilization()), price(l.congestionRent()),
                    grouped(l.tokensPerSecond()), String.format(Locale.ROOT, "%.3f", l.gbPerSecond()));
        }
        return t.html();
    }

    private static String processingTable(MarketReport report) {
        List<String> classes = report.result().classIds();
        List<String> head = new ArrayList<>(List.of("node", "electricity ($/kWh)"));
        classes.forEach(c -> head.add(c + " (tokens/s of capacity)"));
        Table t = new Table("Processing", head.toArray(String[]::new));
        for (ComputeNode node : report.scenario().nodes()) {
            List<String> row = new ArrayList<>(List.of(node.id(),
                    String.format(Locale.ROOT, "%.4f", node.electricityPricePerKwh())));
            for (String cls : classes) {
                var p = report.result().processing(node.id(), cls);
                row.add(grouped(p.tokensPerSecond()) + " of " + grouped(p.capacityTokensPerSecond()));
            }
            t.row(row.toArray(String[]::new));
        }
        return t.html();
    }

    private static String sweepTable(MarketReport report) {
        List<DemandSweep.Point> points = report.sweep().points();
        List<String> classes = points.get(0).result().classIds();
        List<String> head = new ArrayList<>(List.of("scale", "status", "demand (tokens/s)", "cost ($/hr)"));
        classes.forEach(c -> head.add("mean " + c));
        head.addAll(List.of("scarce pairs", "congested links", "unserved (tokens/s)"));
        Table t = new Table("Sweep", head.toArray(String[]::new));
        for (DemandSweep.Point p : points) {
            ClearingResult r = p.result();
            boolean optimal = r.status() == ClearingStatus.OPTIMAL;
            List<String> row = new ArrayList<>(List.of(trim(p.scale()), r.status().toString(),
                    grouped(p.demandTokensPerSecond()), optimal ? money(r.objectivePerHour().getAsDouble()) : ""));
            for (String cls : classes) {
                row.add(optimal ? price(r.meanPrice(cls)) : "");
            }
            row.add(optimal ? Integer.toString(report.indicators().scarcePairs(r).size()) : "");
            row.add(optimal ? Integer.toString(MarketIndicators.congestedLinks(r).size()) : "");
            row.add(grouped(r.totalUnservedTokensPerSecond()));
            t.row(row.toArray(String[]::new));
        }
        return t.html();
    }

    private static String pricesTable(ClearingResult r) {
        Table t = new Table("Prices ($/M tokens)", "origin", "class", "price", "energy", "scarcity", "routing",
                "congestion", "penalty", "served at", "path");
        for (NodePrice p : r.prices()) {
            t.row(p.node(), p.classId(), price(p.price()), price(p.energy()), price(p.scarcity()), price(p.routing()),
                    price(p.congestion()), price(p.unservedPenalty()), p.servingNode().orElse("unserved"),
                    String.join(" → ", p.path()));
        }
        return t.html();
    }

    private static String signalsTable(MarketReport report) {
        if (report.signals().isEmpty()) {
            return "<p>No capacity binds: one more unit of anything would save nothing.</p>\n";
        }
        Table t = new Table("Investment signals", "rank", "capacity", "kind", "now", "utilisation", "rent",
                "$/hr per unit", "+1 % saves ($/hr)", "+1 % over " + hours(report) + " ($)");
        List<InvestmentSignal> shown = report.signals().subList(0, Math.min(report.topSignals(),
                report.signals().size()));
        for (int i = 0; i < shown.size(); i++) {
            InvestmentSignal s = shown.get(i);
            t.row(Integer.toString(i + 1), s.asset(), s.kind() == InvestmentSignal.Kind.LINK ? "link" : "node × class",
                    grouped(s.capacity()) + " " + s.capacityUnit(), percent(s.utilization()),
                    price(s.rent()) + " " + s.rentUnit(),
                    perUnit(s),
                    money(s.onePercentPerHour()), money(s.onePercentValue()));
        }
        String more = report.signals().size() > shown.size()
                ? "<p>" + (report.signals().size() - shown.size()) + " more capacities with a smaller rent are not shown.</p>\n"
                : "";
        return t.html() + more;
    }

    private static String historyTable(PriceHistorySeries series) {
        // every origin shares its versions, so the causes are read off one of them
        Map<Long, PriceHistorySeries.Point> versions = new LinkedHashMap<>();
        series.byOrigin().values().stream().findFirst().orElse(List.of())
                .forEach(p -> versions.put(p.version(), p));
        Table t = new Table("Versions", "version", "cleared at", "cause");
        versions.values().forEach(p -> t.row(Long.toString(p.version()), p.clearedAt().toString(), p.cause()));
        return t.html();
    }

    // ---- formatting ----

    private static String hours(MarketReport report) {
        double hours = report.horizonHours();
        return hours == InvestmentSignals.HOURS_PER_YEAR ? "a year (8,760 h)" : trim(hours) + " h";
    }

    /** $/hr per Gbps, or per 1,000 tokens/s: one token/s is too small a unit to read. */
    private static String perUnit(InvestmentSignal s) {
        return s.kind() == InvestmentSignal.Kind.LINK
                ? String.format(Locale.ROOT, "%.4g per Gbps", s.valuePerUnitHour())
                : String.format(Locale.ROOT, "%.4g per 1,000 tokens/s", 1000 * s.valuePerUnitHour());
    }

    private static String money(double v) {
        // a residual of -1e-9 is zero, not "-0.00"
        return String.format(Locale.ROOT, "%,.2f", Math.abs(v) < 0.005 ? 0.0 : v);
    }

    private static String grouped(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-6 ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%,.3f", v);
    }

    private static String price(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.3f" : "%.4f", v);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An HTML table whose every cell is escaped text. */
    private static final class Table {
        private final StringBuilder html = new StringBuilder();
        private final int columns;

        Table(String caption, String... head) {
            columns = head.length;
            html.append("<table>\n<caption>").append(esc(caption)).append("</caption>\n<thead><tr>");
            for (String h : head) {
                html.append("<th>").append(esc(h)).append("</th>");
            }
            html.append("</tr></thead>\n<tbody>\n");
        }

        void row(String... cells) {
            if (cells.length != columns) {
                throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns
                        + " columns");
            }
            html.append("<tr>");
            for (String c : cells) {
                html.append("<td>").append(esc(c)).append("</td>");
            }
            html.append("</tr>\n");
        }

        String html() {
            return html + "</tbody>\n</table>\n";
        }
    }

    private static final String STYLE = """
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430;
                   max-width: 1100px; margin: 2em auto; padding: 0 1em; }
            h1 { margin-bottom: .2em; } h2 { border-bottom: 1px solid #d8dde6; padding-bottom: .2em; margin-top: 2em; }
            .meta { color: #5a6578; } code { background: #f1f3f7; padding: 0 .25em; border-radius: 3px; }
            nav a { margin-right: 1em; }
            figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #e3e7ee; }
            figcaption { color: #5a6578; font-size: 13px; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
            caption { text-align: left; font-weight: 600; padding: .3em 0; }
            th, td { border: 1px solid #d8dde6; padding: .25em .6em; text-align: right; }
            th { background: #f1f3f7; } td:first-child, th:first-child { text-align: left; }
            tbody tr:nth-child(even) { background: #fafbfc; }
            """;
}
