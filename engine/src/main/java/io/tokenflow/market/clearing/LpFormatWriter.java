package io.tokenflow.market.clearing;

/**
 * Writes a {@link LinearProgram} in CPLEX LP format with every coefficient at full double precision
 * (OR-Tools' own exporter prints 6 significant digits, too few to cross-check an objective to 1e-6).
 * glpsol ({@code --lp}) and clp read the output.
 *
 * <p>Rows without entries and rows with no finite bound constrain nothing and are left out; columns
 * with the format's default bounds [0, +∞) get no bounds line.
 */
final class LpFormatWriter {
    private static final int LINE = 200;

    private LpFormatWriter() {}

    static String write(LinearProgram lp, String header) {
        StringBuilder out = new StringBuilder(64 * (lp.columnCount() + lp.rowCount()));
        for (String line : header.split("\n")) {
            out.append("\\ ").append(line).append('\n');
        }
        out.append("Minimize\n obj:");
        Line objective = new Line(out, 5);
        boolean anyCost = false;
        for (int col = 0; col < lp.columnCount(); col++) {
            if (lp.columnCost(col) != 0) {
                objective.term(lp.columnCost(col), lp.columnName(col));
                anyCost = true;
            }
        }
        if (!anyCost && lp.columnCount() > 0) {
            objective.term(0, lp.columnName(0));
        }
        out.append("\nSubject To\n");
        for (int row = 0; row < lp.rowCount(); row++) {
            double lo = lp.rowLower(row);
            double hi = lp.rowUpper(row);
            if (lp.rowSize(row) == 0 || (lo == Double.NEGATIVE_INFINITY && hi == Double.POSITIVE_INFINITY)) {
                continue;
            }
            boolean ranged = lo != hi && lo != Double.NEGATIVE_INFINITY && hi != Double.POSITIVE_INFINITY;
            if (ranged) {
                writeRow(out, lp, row, lp.rowName(row) + ".lo", ">=", lo);
                writeRow(out, lp, row, lp.rowName(row) + ".hi", "<=", hi);
            } else if (lo == hi) {
                writeRow(out, lp, row, lp.rowName(row), "=", lo);
            } else if (hi != Double.POSITIVE_INFINITY) {
                writeRow(out, lp, row, lp.rowName(row), "<=", hi);
            } else {
                writeRow(out, lp, row, lp.rowName(row), ">=", lo);
            }
        }
        out.append("Bounds\n");
        for (int col = 0; col < lp.columnCount(); col++) {
            double lo = lp.columnLower(col);
            double hi = lp.columnUpper(col);
            if (lo == 0 && hi == Double.POSITIVE_INFINITY) {
                continue;
            }
            out.append(' ').append(number(lo)).append(" <= ").append(lp.columnName(col)).append(" <= ")
                    .append(number(hi)).append('\n');
        }
        return out.append("End\n").toString();
    }

    private static void writeRow(StringBuilder out, LinearProgram lp, int row, String name, String sense, double rhs) {
        out.append(' ').append(name).append(':');
        Line line = new Line(out, name.length() + 2);
        for (int i = 0; i < lp.rowSize(row); i++) {
            line.term(lp.rowValue(row, i), lp.columnName(lp.rowColumn(row, i)));
        }
        out.append(' ').append(sense).append(' ').append(number(rhs)).append('\n');
    }

    /** Appends "+ c name" terms, breaking the line before it grows past {@link #LINE} characters. */
    private static final class Line {
        private final StringBuilder out;
        private int length;

        Line(StringBuilder out, int start) {
            this.out = out;
            this.length = start;
        }

        void term(double coefficient, String name) {
            String text = (coefficient < 0 ? " - " : " + ") + number(Math.abs(coefficient)) + " " + name;
            if (length + text.length() > LINE) {
                out.append("\n ");
                length = 1;
            }
            out.append(text);
            length += text.length();
        }
    }

    static String number(double value) {
        if (value == Double.POSITIVE_INFINITY) {
            return "+inf";
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return "-inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
