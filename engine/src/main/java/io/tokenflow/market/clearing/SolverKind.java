package io.tokenflow.market.clearing;

import java.util.Locale;

/** The LP solvers the engine can clear with; both return duals and keep their basis for warm re-solves. */
public enum SolverKind {
    /** Google's GLOP primal/dual simplex: the default. */
    GLOP("GLOP"),
    /** COIN-OR CLP through OR-Tools: faster on large LPs. */
    CLP("CLP");

    private final String orToolsId;

    SolverKind(String orToolsId) {
        this.orToolsId = orToolsId;
    }

    String orToolsId() {
        return orToolsId;
    }

    /** Parses {@code glop} or {@code clp}, in any case. */
    public static SolverKind parse(String name) {
        for (SolverKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("solver must be glop or clp, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
