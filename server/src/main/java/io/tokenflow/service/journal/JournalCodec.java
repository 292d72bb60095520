package io.tokenflow.service.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's byte format, one record or one snapshot at a time: stateless and safe to call from any
 * thread; encoding or decoding costs one JSON (de)serialization plus, for a record, one CRC32C pass,
 * and the search for a valid record after a bad one is a byte-by-byte scan of the rest of the segment.
 *
 * <p><b>Record</b> (in {@code journal-<first seq>.log}, records back to back, no separator):
 * {@code [magic "TFJ1"][length][CRC32C][payload]}, the three header fields big-endian 32-bit ints, the
 * checksum over the 4 length bytes and then the payload (so a damaged length fails the checksum rather
 * than making the reader skip to a wrong place). The payload is compact UTF-8 JSON
 * {@code {"s": seq, "v": promised version, "u": [["c", node, class, tokens/s], ["d", origin, class,
 * tokens/s], ["e", node, $/kWh], ["l", from, to, Gbps]]}}; Jackson writes doubles so they read back bit
 * for bit.
 *
 * <p><b>Snapshot</b> ({@code snapshot-<seq>.json}): pretty-printed {@code {"format":
 * "tokenflow-snapshot-v1", "seq": S, "version": V, "commit_marker": true, "scenario": {...}}}, the
 * scenario in the scenario file format; {@code commit_marker} is absent in snapshots written before
 * commit markers (and older readers ignore it, so the format name stays). A snapshot has no checksum of
 * its own: it is written whole or not at all (see {@link JournalFiles#writeAtomically}).
 *
 * <p>What a bad record <em>means</em> (torn tail or corruption) is decided by {@link JournalRecovery};
 * this class only says whether one is whole and valid, and why not.
 */
final class JournalCodec {
    static final int MAGIC = 0x5446_4A31; // "TFJ1"
    static final int HEADER = 12;
    static final int MAX_PAYLOAD = 64 << 20;
    static final String SNAPSHOT_FORMAT = "tokenflow-snapshot-v1";
    // an ObjectMapper is thread-safe once configured, and this one is never reconfigured
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One journal record: an accepted update call, its sequence number and the version promised to it. */
    record Entry(long seq, long version, List<MarketUpdate> updates) {}

    /**
     * A snapshot: the accepted scenario after record {@code seq}, the highest version promised by then, and
     * whether the directory kept a commit marker when it was written ({@link CommitMarker}), so that a
     * marker deleted later is told from a directory that never had one.
     */
    record Snapshot(long seq, long version, Scenario scenario, boolean markerKept) {
        /** A snapshot as written before commit markers. */
        Snapshot(long seq, long version, Scenario scenario) {
            this(seq, version, scenario, false);
        }
    }

    private JournalCodec() {}

    // ---- records ----

    /** The framed records back to back, ready to write in one go (position 0, limit at the end). */
    static ByteBuffer encode(List<Entry> entries) {
        List<byte[]> payloads = new ArrayList<>(entries.size());
        int size = 0;
        for (Entry e : entries) {
            byte[] p = payload(e.seq(), e.version(), e.updates());
            payloads.add(p);
            size += HEADER + p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        payloads.forEach(p -> frame(out, p));
        return out.flip();
    }

    /** Puts the header and then {@code payload} into {@code out}. */
    static void frame(ByteBuffer out, byte[] payload) {
        frame(out, payload, MAGIC);
    }

    /**
     * As {@link #frame(ByteBuffer, byte[])} with another magic: the market record ({@link RecordLog})
     * frames its records the same way, under its own magic, so one file is never read as the other.
     */
    static void frame(ByteBuffer out, byte[] payload, int magic) {
        out.putInt(magic).putInt(payload.length).putInt(crc(payload.length, payload, 0, payload.length)).put(payload);
    }

    /** CRC32C of the big-endian {@code length} followed by {@code payload[from, from + len)}. */
    static int crc(int length, byte[] payload, int from, int len) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(length).array());
        crc.update(payload, from, len);
        return (int) crc.getValue();
    }

    /** The JSON payload of one record. */
    static byte[] payload(long seq, long version, List<MarketUpdate> updates) {
        ObjectNode root = JSON.createObjectNode();
        root.put("s", seq);
        root.put("v", version);
        ArrayNode list = root.putArray("u");
        for (MarketUpdate u : updates) {
            ArrayNode e = list.addArray();
            if (u instanceof MarketUpdate.CapacityUpdate c) {
                e.add("c").add(c.node()).add(c.classId()).add(c.tokensPerSecond());
            } else if (u instanceof MarketUpdate.DemandUpdate d) {
                e.add("d").add(d.origin()).add(d.classId()).add(d.tokensPerSecond());
            } else if (u instanceof MarketUpdate.ElectricityPriceUpdate p) {
                e.add("e").add(p.node()).add(p.pricePerKwh());
            } else if (u instanceof MarketUpdate.LinkCapacityUpdate l) {
                e.add("l").add(l.from()).add(l.to()).add(l.capacityGbps());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Null if a whole valid record starts at {@code pos}, else why not: "header cut short", "bad magic",
     * "bad length N", "record cut short" or "checksum mismatch" (recovery reports these words).
     */
    static String check(byte[] bytes, int pos) {
        return check(bytes, pos, MAGIC);
    }

    /** As {@link #check(byte[], int)} for records framed under {@code expectedMagic}. */
    static String check(byte[] bytes, int pos, int expectedMagic) {
        if (bytes.length - pos < HEADER) {
            return "header cut short";
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, pos, HEADER);
        int magic = b.getInt();
        int len = b.getInt();
        int crc = b.getInt();
        if (magic != expectedMagic) {
            return "bad magic";
        }
        if (len < 0 || len > MAX_PAYLOAD) {
            return "bad length " + len;
        }
        if (bytes.length - pos - HEADER < len) {
            return "record cut short";
        }
        if (crc(len, bytes, pos + HEADER, len) != crc) {
            return "checksum mismatch";
        }
        return null;
    }

    /** Header plus payload bytes of the record at {@code pos}, which {@link #check} passed. */
    static int size(byte[] bytes, int pos) {
        return HEADER + ByteBuffer.wrap(bytes, pos + 4, 4).getInt();
    }

    /**
     * Whether a whole valid record starts anywhere in {@code [from, end)}: a scan byte by byte, since
     * after a bad record the framing cannot say where the next one would start.
     */
    static boolean validRecordAfter(byte[] bytes, int from) {
        return validRecordAfter(bytes, from, MAGIC);
    }

    /** As {@link #validRecordAfter(byte[], int)} for records framed under {@code magic}. */
    static boolean validRecordAfter(byte[] bytes, int from, int magic) {
        byte first = (byte) (magic >>> 24);
        for (int p = from; p + HEADER <= bytes.length; p++) {
            if (bytes[p] == first && ByteBuffer.wrap(bytes, p, 4).getInt() == magic && check(bytes, p, magic) == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes the record at {@code pos}, which {@link #check} passed.
     *
     * @throws IOException if its payload is not a record (a valid checksum over bad JSON, an unknown
     *                     update kind, no seq or version)
     */
    static Entry decode(byte[] bytes, int pos) throws IOException {
        int len = size(bytes, pos) - HEADER;
        JsonNode root = JSON.readTree(new String(bytes, pos + HEADER, len, StandardCharsets.UTF_8));
        List<MarketUpdate> updates = new ArrayList<>();
        for (JsonNode e : root.path("u")) {
            String kind = e.path(0).asText();
            switch (kind) {
                case "c" -> updates.add(new MarketUpdate.CapacityUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                case "d" -> updates.add(new MarketUpdate.DemandUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                case "e" -> updates.add(new MarketUpdate.ElectricityPriceUpdate(e.path(1).asText(),
                        e.path(2).asDouble()));
                case "l" -> updates.add(new MarketUpdate.LinkCapacityUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                default -> throw new IOException("unknown update kind '" + kind + "'");
            }
        }
        if (!root.path("s").canConvertToLong() || !root.path("v").canConvertToLong()) {
            throw new IOException("record without seq or version");
        }
        return new Entry(root.path("s").asLong(), root.path("v").asLong(), updates);
    }

    // ---- snapshots ----

    /** The snapshot document's bytes. */
    static byte[] encodeSnapshot(Snapshot snapshot) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", SNAPSHOT_FORMAT);
        root.put("seq", snapshot.seq());
        root.put("version", snapshot.version());
        if (snapshot.markerKept()) {
            root.put("commit_marker", true);
        }
        root.set("scenario", JSON.readTree(ScenarioJson.write(snapshot.scenario())));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * Reads a snapshot document.
     *
     * @throws IOException      if it is not JSON or not a {@value #SNAPSHOT_FORMAT} document
     * @throws RuntimeException if its scenario is not a valid scenario ({@link ScenarioJson#read(String)})
     */
    static Snapshot decodeSnapshot(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (!SNAPSHOT_FORMAT.equals(root.path("format").asText())) {
            throw new IOException("not a " + SNAPSHOT_FORMAT + " file");
        }
        long seq = root.path("seq").asLong();
        long version = root.path("version").asLong();
        boolean markerKept = root.path("commit_marker").asBoolean(false);
        return new Snapshot(seq, version, ScenarioJson.read(root.path("scenario").toString()), markerKept);
    }
}
