package io.tokenflow.market.clearing;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverParameters;
import com.google.ortools.linearsolver.MPVariable;

/**
 * The engine's one door to OR-Tools: loads a {@link LinearProgram} into an {@code MPSolver}
 * (GLOP or CLP), changes bounds and costs in place, and solves, returning row duals with OR-Tools'
 * sign convention (dual = ∂objective/∂bound).
 *
 * <p>Keeping one solver object alive is what makes re-clears warm: GLOP and CLP both start the
 * next {@link #solve()} from the previous basis after a bound or cost change.
 *
 * <p>Not thread-safe: one thread owns an instance. It holds native memory until {@link #close()}.
 */
final class OrToolsLpSolver implements AutoCloseable {
    private static final double DUAL_TOLERANCE = 1e-9;
    private static final double PRIMAL_TOLERANCE = 1e-9;
    private static volatile boolean nativesLoaded;

    private final MPSolver solver;
    private MPVariable[] columns;
    private int columnCount;
    private final MPConstraint[] rows;
    private final MPObjective objective;
    private final MPSolverParameters parameters;
    private boolean closed;

    OrToolsLpSolver(LinearProgram lp, SolverKind kind) {
        loadNatives();
        MPSolver created = MPSolver.createSolver(kind.orToolsId());
        if (created == null) {
            throw new IllegalStateException("OR-Tools has no " + kind + " solver linked in");
        }
        solver = created;
        columns = new MPVariable[Math.max(16, lp.columnCount())];
        columnCount = lp.columnCount();
        for (int col = 0; col < columnCount; col++) {
            columns[col] = solver.makeNumVar(lp.columnLower(col), lp.columnUpper(col), lp.columnName(col));
        }
        rows = new MPConstraint[lp.rowCount()];
        for (int row = 0; row < rows.length; row++) {
            MPConstraint constraint = solver.makeConstraint(lp.rowLower(row), lp.rowUpper(row), lp.rowName(row));
            for (int i = 0; i < lp.rowSize(row); i++) {
                constraint.setCoefficient(columns[lp.rowColumn(row, i)], lp.rowValue(row, i));
            }
            rows[row] = constraint;
        }
        objective = solver.objective();
        for (int col = 0; col < columnCount; col++) {
            double cost = lp.columnCost(col);
            if (cost != 0) {
                objective.setCoefficient(columns[col], cost);
            }
        }
        objective.setMinimization();
        parameters = new MPSolverParameters();
        // Prices are duals: ask for them tighter than the default (1e-7), which on transfer-aware rows
        // (coefficients up to ~100 GB per M tokens) let CLP return reduced costs off by 1e-5.
        parameters.setDoubleParam(MPSolverParameters.DoubleParam.DUAL_TOLERANCE, DUAL_TOLERANCE);
        parameters.setDoubleParam(MPSolverParameters.DoubleParam.PRIMAL_TOLERANCE, PRIMAL_TOLERANCE);
    }

    /** Extracts the OR-Tools natives once per JVM (about 0.5 s, 71 MB in java.io.tmpdir). */
    static void loadNatives() {
        if (!nativesLoaded) {
            synchronized (OrToolsLpSolver.class) {
                if (!nativesLoaded) {
                    Loader.loadNativeLibraries();
                    nativesLoaded = true;
                }
            }
        }
    }

    /**
     * Appends a column with its entries in existing rows (column generation). The new column enters as a
     * non-basic variable at its bound 0, so the last basis is still primal feasible and, with
     * {@link #keepBasisAcrossNewColumns}, the next solve starts from it. Returns the column's index, which
     * follows the last one.
     */
    int addColumn(String name, double lower, double upper, double cost, int[] rowIndices, double[] values) {
        if (columnCount == columns.length) {
            columns = java.util.Arrays.copyOf(columns, columnCount * 2);
        }
        MPVariable variable = solver.makeNumVar(lower, upper, name);
        for (int i = 0; i < rowIndices.length; i++) {
            rows[rowIndices[i]].setCoefficient(variable, values[i]);
        }
        if (cost != 0) {
            objective.setCoefficient(variable, cost);
        }
        columns[columnCount] = variable;
        return columnCount++;
    }

    int columnCount() {
        return columnCount;
    }

    void setColumnBounds(int col, double lower, double upper) {
        columns[col].setBounds(lower, upper);
    }

    void setObjectiveCoefficient(int col, double cost) {
        objective.setCoefficient(columns[col], cost);
    }

    void setRowBounds(int row, double lower, double upper) {
        rows[row].setBounds(lower, upper);
    }

    /** Forgets the basis, so that the next solve is cold (used to compare and to recover). */
    void forgetBasis() {
        solver.reset();
    }

    /** Stops a solve after this long; the status is then NOT_SOLVED. */
    void setTimeLimitMillis(long millis) {
        solver.setTimeLimit(millis);
    }

    /**
     * Turns presolve off, so that a solve after {@link #addColumn} starts from the last basis. With
     * presolve on, GLOP re-solves a model with appended columns almost from scratch (hundreds of
     * iterations for two new columns on a 300-node market); without it, the old basis stays primal
     * feasible and a few primal iterations bring the new columns in. Bound and cost changes stay warm
     * either way. Column generation calls this; LPs without path columns keep the default.
     */
    void keepBasisAcrossNewColumns() {
        parameters.setIntegerParam(MPSolverParameters.IntegerParam.PRESOLVE,
                MPSolverParameters.PresolveValues.PRESOLVE_OFF.swigValue());
    }

    LpSolution solve() {
        long start = System.nanoTime();
        MPSolver.ResultStatus result = solver.solve(parameters);
        long wall = System.nanoTime() - start;
        LpSolution.LpStatus status = switch (result) {
            case OPTIMAL -> LpSolution.LpStatus.OPTIMAL;
            case INFEASIBLE -> LpSolution.LpStatus.INFEASIBLE;
            case UNBOUNDED -> LpSolution.LpStatus.UNBOUNDED;
            case ABNORMAL, MODEL_INVALID -> LpSolution.LpStatus.ABNORMAL;
            default -> LpSolution.LpStatus.NOT_SOLVED;
        };
        if (status != LpSolution.LpStatus.OPTIMAL) {
            return new LpSolution(status, Double.NaN, new double[0], new double[0], solver.iterations(), wall);
        }
        double[] primal = new double[columnCount];
        for (int col = 0; col < columnCount; col++) {
            primal[col] = columns[col].solutionValue();
        }
        double[] duals = new double[rows.length];
        for (int row = 0; row < rows.length; row++) {
            duals[row] = rows[row].dualValue();
        }
        return new LpSolution(status, objective.value(), primal, duals, solver.iterations(), wall);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            solver.delete();
        }
    }
}
