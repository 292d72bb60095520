package io.tokenflow.market.clearing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A linear program in solver-neutral form: minimise Σ cost·x subject to rowLo ≤ A·x ≤ rowHi and
 * colLo ≤ x ≤ colHi. The formulation writes into it; {@link OrToolsLpSolver} hands it to a solver.
 * Keeping the two apart lets the formulation be read (and tested) without any native library.
 *
 * <p>Not thread-safe: built once by one thread, then only read.
 */
final class LinearProgram {
    private final List<String> columnNames = new ArrayList<>();
    private double[] columnLower = new double[64];
    private double[] columnUpper = new double[64];
    private double[] columnCost = new double[64];

    private final List<String> rowNames = new ArrayList<>();
    private double[] rowLower = new double[64];
    private double[] rowUpper = new double[64];
    private final List<int[]> rowColumns = new ArrayList<>();
    private final List<double[]> rowValues = new ArrayList<>();
    private int[] rowSizes = new int[64];

    int addColumn(String name, double lower, double upper, double cost) {
        int col = columnNames.size();
        if (col == columnLower.length) {
            int grown = col * 2;
            columnLower = Arrays.copyOf(columnLower, grown);
            columnUpper = Arrays.copyOf(columnUpper, grown);
            columnCost = Arrays.copyOf(columnCost, grown);
        }
        columnNames.add(name);
        columnLower[col] = lower;
        columnUpper[col] = upper;
        columnCost[col] = cost;
        return col;
    }

    int addRow(String name, double lower, double upper) {
        int row = rowNames.size();
        if (row == rowLower.length) {
            int grown = row * 2;
            rowLower = Arrays.copyOf(rowLower, grown);
            rowUpper = Arrays.copyOf(rowUpper, grown);
            rowSizes = Arrays.copyOf(rowSizes, grown);
        }
        rowNames.add(name);
        rowLower[row] = lower;
        rowUpper[row] = upper;
        rowColumns.add(new int[4]);
        rowValues.add(new double[4]);
        return row;
    }

    /** A[row][col] = value; each (row, col) is set at most once. */
    void setCoefficient(int row, int col, double value) {
        int size = rowSizes[row];
        int[] cols = rowColumns.get(row);
        double[] vals = rowValues.get(row);
        if (size == cols.length) {
            cols = Arrays.copyOf(cols, size * 2);
            vals = Arrays.copyOf(vals, size * 2);
            rowColumns.set(row, cols);
            rowValues.set(row, vals);
        }
        cols[size] = col;
        vals[size] = value;
        rowSizes[row] = size + 1;
    }

    int columnCount() {
        return columnNames.size();
    }

    int rowCount() {
        return rowNames.size();
    }

    String columnName(int col) {
        return columnNames.get(col);
    }

    double columnLower(int col) {
        return columnLower[col];
    }

    double columnUpper(int col) {
        return columnUpper[col];
    }

    double columnCost(int col) {
        return columnCost[col];
    }

    String rowName(int row) {
        return rowNames.get(row);
    }

    double rowLower(int row) {
        return rowLower[row];
    }

    double rowUpper(int row) {
        return rowUpper[row];
    }

    int rowSize(int row) {
        return rowSizes[row];
    }

    int rowColumn(int row, int i) {
        return rowColumns.get(row)[i];
    }

    double rowValue(int row, int i) {
        return rowValues.get(row)[i];
    }
}
