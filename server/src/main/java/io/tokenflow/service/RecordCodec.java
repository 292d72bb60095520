package io.tokenflow.service;

import static io.tokenflow.service.RecordTables.PRICE_FIELDS;

import io.tokenflow.service.RecordTables.Layout;
import io.tokenflow.service.RecordTables.Lines;
import io.tokenflow.service.RecordTables.Tables;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The body of a market record ({@link MarketRecord}): one version's prices, causes and settlement,
 * either <em>full</em> or as the <em>changes</em> from the version before it in the same segment. Not
 * thread-safe: an encoder (the publishing thread) and each reader keep their own {@link Tables}, the
 * state a change record applies to. Encoding costs a pass over every price and settlement line; a full
 * record of the 1000-node × 8-class market is about 0.9 MB, a change record a few dozen bytes per moved
 * price or line (measured figures: docs/operations.md).
 *
 * <p><b>Format 1</b>, big-endian, doubles as their raw IEEE bits (so every amount reads back bit for
 * bit), strings as an unsigned 16-bit byte count and UTF-8, ids as indexes into the layout:
 * <pre>
 * full:   [1] layout: nodes (int n, n strings), classes (int n, n strings), links (int n, n × (from, to))
 *         prices: every node × class slot (node-major): price, energy, scarcity, routing, congestion,
 *                 unserved penalty (6 doubles), serving node (int, -1: unserved)
 *         causes: omitted (int), listed (int n, n × (kind label, subject, previous value, value))
 *         totals: 5 doubles (users, compute, network, merchandising surplus, route cost)
 *         payments: int n, n × (slot, served tokens/s, price, amount/hr), in the statement's order
 *         compute:  int n, n × (slot, processed tokens/s, rate, amount/hr)
 *         network:  int n, n × (link, tokens/s, GB/s, tariff/hr, congestion rent/hr)
 * change: [1] prices: int n, n × (slot, 6 doubles, serving node) for the slots that differ
 *         causes, totals: as above
 *         payments, compute, network: int n, n × (key, values) changed or new, then int m, m × key gone
 * </pre>
 * A change record's lines come out in key order, so the encoder writes one only when the statement's
 * lines are in key order (the engine lists them node-major, class-minor, links in scenario order), and
 * a full record otherwise, or when the ids change.
 */
final class RecordCodec {
    static final int FORMAT = 1;

    private RecordCodec() {}

    // ---- encoding ----

    /** The body of {@code now}: full, or the changes from {@code previous} (which must allow it). */
    static byte[] encode(Tables now, Tables previous, boolean full) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(full ? 1 << 16 : 1 << 10);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(FORMAT);
            Layout layout = now.layout;
            if (full) {
                out.writeInt(layout.nodes.size());
                for (String n : layout.nodes) {
                    string(out, n);
                }
                out.writeInt(layout.classes.size());
                for (String c : layout.classes) {
                    string(out, c);
                }
                out.writeInt(layout.linkFrom.length);
                for (int a = 0; a < layout.linkFrom.length; a++) {
                    out.writeInt(layout.linkFrom[a]);
                    out.writeInt(layout.linkTo[a]);
                }
                for (int slot = 0; slot < layout.slots(); slot++) {
                    price(out, now, slot);
                }
            } else {
                int[] changed = new int[layout.slots()];
                int n = 0;
                for (int slot = 0; slot < layout.slots(); slot++) {
                    if (!now.priceSame(previous, slot)) {
                        changed[n++] = slot;
                    }
                }
                out.writeInt(n);
                for (int i = 0; i < n; i++) {
                    out.writeInt(changed[i]);
                    price(out, now, changed[i]);
                }
            }
            out.writeInt(now.causes.omitted());
            out.writeInt(now.causes.listed().size());
            for (PriceCause c : now.causes.listed()) {
                string(out, c.kind().label());
                string(out, c.subject());
                dbl(out, c.previousValue());
                dbl(out, c.value());
            }
            for (double t : now.totals) {
                dbl(out, t);
            }
            lines(out, now.payments, full ? null : previous.payments);
            lines(out, now.compute, full ? null : previous.compute);
            lines(out, now.network, full ? null : previous.network);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static void price(DataOutputStream out, Tables t, int slot) throws IOException {
        for (int f = 0; f < PRICE_FIELDS; f++) {
            dbl(out, t.prices[slot * PRICE_FIELDS + f]);
        }
        out.writeInt(t.serving[slot]);
    }

    private static void lines(DataOutputStream out, Lines now, Lines previous) throws IOException {
        if (previous == null) {
            out.writeInt(now.order.length);
            for (int key : now.order) {
                line(out, now, key);
            }
            return;
        }
        int changed = 0;
        for (int key : now.order) {
            if (!previous.present[key] || !now.sameAt(previous, key)) {
                changed++;
            }
        }
        out.writeInt(changed);
        for (int key : now.order) {
            if (!previous.present[key] || !now.sameAt(previous, key)) {
                line(out, now, key);
            }
        }
        int gone = 0;
        for (int key = 0; key < previous.present.length; key++) {
            if (previous.present[key] && !now.present[key]) {
                gone++;
            }
        }
        out.writeInt(gone);
        for (int key = 0; key < previous.present.length; key++) {
            if (previous.present[key] && !now.present[key]) {
                out.writeInt(key);
            }
        }
    }

    private static void line(DataOutputStream out, Lines lines, int key) throws IOException {
        out.writeInt(key);
        for (int f = 0; f < lines.fields; f++) {
            dbl(out, lines.values[key * lines.fields + f]);
        }
    }

    private static void dbl(DataOutputStream out, double v) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(v));
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("an id or cause of " + b.length + " bytes is too long to record");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    // ---- decoding ----

    /**
     * The tables after the record {@code body}: a full record on its own, a change record applied to
     * {@code previous} (changed in place and returned). Stops after the causes if {@code pricesOnly}
     * (the settlement tables are then left as they were, and must not be read).
     *
     * @throws IllegalArgumentException if the body is not a format-1 record or a change has no base
     */
    static Tables decode(byte[] body, boolean full, Tables previous, boolean pricesOnly) {
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            int format = in.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("market record body of format " + format + ", expected " + FORMAT);
            }
            Tables t;
            if (full) {
                List<String> nodes = strings(in);
                List<String> classes = strings(in);
                int links = in.getInt();
                int[] from = new int[links];
                int[] to = new int[links];
                for (int a = 0; a < links; a++) {
                    from[a] = in.getInt();
                    to[a] = in.getInt();
                }
                Layout layout = new Layout(nodes, classes, from, to);
                if (previous != null && previous.layout.sameIds(layout)) {
                    layout = previous.layout; // share the ids while they stay the same
                }
                t = new Tables(layout);
                for (int slot = 0; slot < layout.slots(); slot++) {
                    readPrice(in, t, slot);
                }
            } else {
                if (previous == null) {
                    throw new IllegalArgumentException("a change record with no full record before it");
                }
                t = previous;
                int n = in.getInt();
                for (int i = 0; i < n; i++) {
                    readPrice(in, t, in.getInt());
                }
            }
            int omitted = in.getInt();
            int listed = in.getInt();
            List<PriceCause> causes = new ArrayList<>(listed);
            for (int i = 0; i < listed; i++) {
                PriceCause.Kind kind = kind(string(in));
                causes.add(new PriceCause(kind, string(in), dbl(in), dbl(in), kind.unit()));
            }
            t.causes = new VersionCauses(causes, omitted);
            if (pricesOnly) {
                return t;
            }
            for (int i = 0; i < t.totals.length; i++) {
                t.totals[i] = dbl(in);
            }
            readLines(in, t.payments, full);
            readLines(in, t.compute, full);
            readLines(in, t.network, full);
            return t;
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("market record body ends early or names a slot out of range: " + e, e);
        }
    }

    private static void readPrice(ByteBuffer in, Tables t, int slot) {
        for (int f = 0; f < PRICE_FIELDS; f++) {
            t.prices[slot * PRICE_FIELDS + f] = dbl(in);
        }
        t.serving[slot] = in.getInt();
    }

    private static void readLines(ByteBuffer in, Lines lines, boolean full) {
        int n = in.getInt();
        if (full) {
            Arrays.fill(lines.present, false);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = readLine(in, lines);
            }
            lines.order = order;
            return;
        }
        for (int i = 0; i < n; i++) {
            readLine(in, lines);
        }
        int gone = in.getInt();
        for (int i = 0; i < gone; i++) {
            lines.present[in.getInt()] = false;
        }
        lines.orderByKey();
    }

    private static int readLine(ByteBuffer in, Lines lines) {
        int key = in.getInt();
        lines.present[key] = true;
        for (int f = 0; f < lines.fields; f++) {
            lines.values[key * lines.fields + f] = dbl(in);
        }
        return key;
    }

    private static PriceCause.Kind kind(String label) {
        for (PriceCause.Kind k : PriceCause.Kind.values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown cause kind '" + label + "'");
    }

    private static double dbl(ByteBuffer in) {
        return Double.longBitsToDouble(in.getLong());
    }

    private static List<String> strings(ByteBuffer in) {
        int n = in.getInt();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(in));
        }
        return out;
    }

    private static String string(ByteBuffer in) {
        int len = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
