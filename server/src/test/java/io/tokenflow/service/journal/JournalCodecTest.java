package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class JournalCodecTest {
    private static final JournalCodec.Entry EVERY_KIND = new JournalCodec.Entry(42, 17, List.of(
            new MarketUpdate.CapacityUpdate("dallas", "image", 1200.5),
            new MarketUpdate.DemandUpdate("us-east", "chat", 0.1),
            new MarketUpdate.ElectricityPriceUpdate("dallas", 1e-300),
            new MarketUpdate.LinkCapacityUpdate("dallas", "zürich \"eu\"", Double.MAX_VALUE)));

    static byte[] bytes(JournalCodec.Entry... entries) {
        ByteBuffer b = JournalCodec.encode(List.of(entries));
        return Arrays.copyOfRange(b.array(), b.position(), b.limit());
    }

    private static byte[] framed(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(JournalCodec.HEADER + p.length);
        JournalCodec.frame(b, p);
        return b.array();
    }

    @Test
    void everyUpdateKindRoundTripsBitForBit() throws IOException {
        byte[] b = bytes(EVERY_KIND);
        assertNull(JournalCodec.check(b, 0));
        assertEquals(b.length, JournalCodec.size(b, 0));
        assertEquals(EVERY_KIND, JournalCodec.decode(b, 0)); // record equality compares doubles bit for bit
    }

    @Test
    void awkwardDoublesRoundTrip() throws IOException {
        double[] values = {Double.MIN_VALUE, -0.0, 1.0 / 3, 123456789.123456789, 5e-324, 1.7976931348623157e308};
        for (double v : values) {
            JournalCodec.Entry e = new JournalCodec.Entry(1, 1,
                    List.of(new MarketUpdate.CapacityUpdate("n", "k", v)));
            assertEquals(e, JournalCodec.decode(bytes(e), 0), "value " + v);
        }
    }

    @Test
    void recordsFollowEachOtherWithoutSeparators() throws IOException {
        JournalCodec.Entry a = new JournalCodec.Entry(1, 2, List.of());
        JournalCodec.Entry b = new JournalCodec.Entry(2, 3,
                List.of(new MarketUpdate.ElectricityPriceUpdate("x", 0.07)));
        byte[] both = bytes(a, b);
        int second = JournalCodec.size(both, 0);
        assertEquals(bytes(a).length, second);
        assertEquals(a, JournalCodec.decode(both, 0));
        assertNull(JournalCodec.check(both, second));
        assertEquals(b, JournalCodec.decode(both, second));
        assertEquals(both.length, second + JournalCodec.size(both, second));
    }

    @Test
    void theOnDiskFormatIsTheDocumentedOne() {
        // the example in docs/oracle.md; a change here is a change of on-disk format
        byte[] payload = JournalCodec.payload(42, 17,
                List.of(new MarketUpdate.CapacityUpdate("dallas", "image", 1200.5)));
        assertEquals("{\"s\":42,\"v\":17,\"u\":[[\"c\",\"dallas\",\"image\",1200.5]]}",
                new String(payload, StandardCharsets.UTF_8));
        assertEquals("{\"s\":1,\"v\":2,\"u\":[[\"d\",\"o\",\"k\",3.0],[\"e\",\"n\",0.25],[\"l\",\"a\",\"b\",10.0]]}",
                new String(JournalCodec.payload(1, 2, List.of(new MarketUpdate.DemandUpdate("o", "k", 3),
                        new MarketUpdate.ElectricityPriceUpdate("n", 0.25),
                        new MarketUpdate.LinkCapacityUpdate("a", "b", 10))), StandardCharsets.UTF_8));

        byte[] b = bytes(new JournalCodec.Entry(42, 17,
                List.of(new MarketUpdate.CapacityUpdate("dallas", "image", 1200.5))));
        ByteBuffer header = ByteBuffer.wrap(b); // big-endian
        assertEquals("TFJ1", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0x5446_4A31, header.getInt());
        assertEquals(payload.length, header.getInt());
        CRC32C crc = new CRC32C(); // over the 4 length bytes, then the payload
        crc.update(b, 4, 4);
        crc.update(payload);
        assertEquals((int) crc.getValue(), header.getInt());
        assertEquals(new String(payload, StandardCharsets.UTF_8),
                new String(b, JournalCodec.HEADER, payload.length, StandardCharsets.UTF_8));
    }

    @Test
    void aFlippedByteAnywhereFailsTheCheck() {
        byte[] good = bytes(EVERY_KIND);
        for (int i = 0; i < good.length; i++) {
            byte[] b = good.clone();
            b[i] ^= 0x40;
            String why = JournalCodec.check(b, 0);
            assertNotNull(why, "a flipped byte at " + i + " passed the check");
            if (i < 4) {
                assertEquals("bad magic", why);
            } else if (i >= 8) { // the checksum itself or the payload
                assertEquals("checksum mismatch", why, "byte " + i);
            }
        }
        byte[] payloadFlip = good.clone();
        payloadFlip[good.length - 3] ^= 0x40;
        assertEquals("checksum mismatch", JournalCodec.check(payloadFlip, 0));
    }

    @Test
    void aDamagedLengthIsCaughtEitherWay() {
        byte[] b = bytes(EVERY_KIND);
        byte[] tooLong = b.clone();
        ByteBuffer.wrap(tooLong).putInt(4, JournalCodec.MAX_PAYLOAD + 1);
        assertEquals("bad length " + (JournalCodec.MAX_PAYLOAD + 1), JournalCodec.check(tooLong, 0));
        byte[] negative = b.clone();
        ByteBuffer.wrap(negative).putInt(4, -1);
        assertEquals("bad length -1", JournalCodec.check(negative, 0));
        byte[] shorter = b.clone();
        ByteBuffer.wrap(shorter).putInt(4, b.length - JournalCodec.HEADER - 1);
        assertEquals("checksum mismatch", JournalCodec.check(shorter, 0)); // the checksum covers the length
    }

    @Test
    void aTruncatedRecordIsCutShortWithNothingValidAfterIt() {
        byte[] first = bytes(new JournalCodec.Entry(1, 1, List.of()));
        byte[] both = bytes(new JournalCodec.Entry(1, 1, List.of()), EVERY_KIND);
        for (int n = first.length + 1; n < both.length; n++) {
            byte[] cut = Arrays.copyOf(both, n);
            assertNull(JournalCodec.check(cut, 0), "the whole first record");
            String why = JournalCodec.check(cut, first.length);
            assertEquals(n - first.length < JournalCodec.HEADER ? "header cut short" : "record cut short", why,
                    "cut at " + n);
            // what recovery calls a torn tail: a bad record with no valid one after it
            assertFalse(JournalCodec.validRecordAfter(cut, first.length + 1), "cut at " + n);
        }
    }

    @Test
    void aValidRecordIsFoundAfterGarbage() {
        byte[] rec = bytes(EVERY_KIND);
        byte[] b = new byte[7 + rec.length];
        Arrays.fill(b, 0, 7, (byte) 0x54); // 'T's: a magic's first byte that does not start one
        System.arraycopy(rec, 0, b, 7, rec.length);
        assertEquals("bad magic", JournalCodec.check(b, 0));
        assertTrue(JournalCodec.validRecordAfter(b, 1));
        assertFalse(JournalCodec.validRecordAfter(b, 8), "past its start");
        assertFalse(JournalCodec.validRecordAfter(new byte[64], 0), "zeros");
    }

    @Test
    void aValidChecksumOverABadPayloadDoesNotDecode() {
        byte[] unknownKind = framed("{\"s\":1,\"v\":1,\"u\":[[\"x\",\"n\",1.0]]}");
        assertNull(JournalCodec.check(unknownKind, 0));
        IOException e = assertThrows(IOException.class, () -> JournalCodec.decode(unknownKind, 0));
        assertEquals("unknown update kind 'x'", e.getMessage());
        IOException noSeq = assertThrows(IOException.class, () -> JournalCodec.decode(framed("{\"v\":1,\"u\":[]}"), 0));
        assertEquals("record without seq or version", noSeq.getMessage());
        assertThrows(IOException.class, () -> JournalCodec.decode(framed("{\"s\":1,"), 0));
    }

    @Test
    void aSnapshotRoundTrips() throws IOException {
        Scenario s = EmbeddedScenarios.get("five-node");
        byte[] b = JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(20, 26, s));
        String text = new String(b, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertTrue(text.startsWith("{\n  \"format\" : \"tokenflow-snapshot-v1\",\n  \"seq\" : 20,\n"
                + "  \"version\" : 26,\n  \"scenario\" : {"), text.substring(0, Math.min(200, text.length())));
        JournalCodec.Snapshot back = JournalCodec.decodeSnapshot(b);
        assertEquals(20, back.seq());
        assertEquals(26, back.version());
        assertEquals(ScenarioJson.write(s), ScenarioJson.write(back.scenario()));
    }

    @Test
    void aSnapshotOfAnotherFormatIsRefused() {
        IOException e = assertThrows(IOException.class, () -> JournalCodec.decodeSnapshot(
                "{\"format\":\"tokenflow-snapshot-v2\",\"seq\":1,\"version\":1,\"scenario\":{}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a tokenflow-snapshot-v1 file", e.getMessage());
        assertThrows(IOException.class,
                () -> JournalCodec.decodeSnapshot("{\"format\":".getBytes(StandardCharsets.UTF_8)));
    }
}
