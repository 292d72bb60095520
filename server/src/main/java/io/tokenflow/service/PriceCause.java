package io.tokenflow.service;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What made a version: one accepted update with the value it replaced, or the first clear, or a
 * replica adopting its leader's version (those two carry no subject, values or unit).
 *
 * @param kind          which input changed
 * @param subject       {@code node/class} (capacity), {@code origin/class} (demand), {@code node}
 *                      (electricity price) or {@code from->to} (link capacity); empty for initial/leader
 * @param previousValue the value in force before the update (after any earlier update of the same version)
 * @param value         the value the update set
 * @param unit          unit of both values: {@code tokens/s}, {@code $/kWh} or {@code Gbps}; empty for initial/leader
 */
public record PriceCause(Kind kind, String subject, double previousValue, double value, String unit) {

    /** The input a cause changed; {@link #label()} is its name on the wire and in summaries. */
    public enum Kind {
        CAPACITY("capacity", "tokens/s"),
        DEMAND("demand", "tokens/s"),
        ELECTRICITY_PRICE("electricity_price", "$/kWh"),
        LINK_CAPACITY("link_capacity", "Gbps"),
        /** The first clear after start or recovery. */
        INITIAL("initial", ""),
        /** A read replica adopting its leader's version (the leader knows the updates; the replica does not). */
        LEADER("leader", "");

        private final String label;
        private final String unit;

        Kind(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }

        public String label() {
            return label;
        }

        public String unit() {
            return unit;
        }
    }

    static final PriceCause INITIAL = new PriceCause(Kind.INITIAL, "", 0, 0, "");
    static final PriceCause LEADER = new PriceCause(Kind.LEADER, "", 0, 0, "");

    public PriceCause {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(unit, "unit");
        if (!unit.equals(kind.unit())) {
            throw new IllegalArgumentException("a " + kind.label() + " cause is in '" + kind.unit() + "', got '"
                    + unit + "'");
        }
        boolean describesAnUpdate = !kind.unit().isEmpty();
        if (describesAnUpdate == subject.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.label() + " cause " + (describesAnUpdate
                    ? "names what it changed, got an empty subject" : "has no subject, got '" + subject + "'"));
        }
    }

    /** An update of {@code kind} to {@code subject}, from {@code previousValue} to {@code value}. */
    static PriceCause update(Kind kind, String subject, double previousValue, double value) {
        return new PriceCause(kind, subject, previousValue, value, kind.unit());
    }

    /** For people: {@code capacity dallas/image 240000 -> 120000 tokens/s}, or just the kind. */
    public String describe() {
        if (subject.isEmpty()) {
            return kind.label();
        }
        return kind.label() + " " + subject + " " + plain(previousValue) + " -> " + plain(value) + " " + unit;
    }

    /** 240000 rather than 240000.0 or 2.4E5; 0.072 as is. */
    private static String plain(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : Double.toString(v);
    }
}
