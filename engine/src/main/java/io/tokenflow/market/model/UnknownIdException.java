package io.tokenflow.market.model;

/** A node, class or link named by an update or a query that the scenario does not have. */
public final class UnknownIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String id;

    public UnknownIdException(String kind, String id) {
        super("unknown " + kind + " '" + id + "'");
        this.kind = kind;
        this.id = id;
    }

    /** What was looked up: {@code node}, {@code class} or {@code link}. */
    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
