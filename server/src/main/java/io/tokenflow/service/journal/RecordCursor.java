package io.tokenflow.service.journal;

import static io.tokenflow.service.journal.RecordLog.PREFIX;

import io.tokenflow.service.journal.RecordLog.Entry;
import io.tokenflow.service.journal.RecordLog.Gone;
import io.tokenflow.service.journal.RecordLog.Segment;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@link RecordLog.Cursor} over the segments retained when the read began. It holds no lock: it keeps
 * the segment it reads open, so retention deleting that file meanwhile does not cut the read short, and
 * reads each segment only to its size when the read began, so a record being appended meanwhile is
 * never met half written.
 */
final class RecordCursor implements RecordLog.Cursor {
    private final List<Segment> toRead;
    private int segment = -1;
    private FileChannel channel;
    private DataInputStream in;
    private long end;
    private long pos;
    private Entry next;

    RecordCursor(List<Segment> toRead) {
        this.toRead = toRead;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            while (true) {
                if (in != null && pos < end) {
                    Path file = toRead.get(segment).file();
                    next = RecordSegments.readRecord(in, end, pos, file);
                    pos += JournalCodec.HEADER + PREFIX + next.body().length;
                    return true;
                }
                closeSegment();
                if (segment + 1 >= toRead.size()) {
                    return false;
                }
                segment++;
                Segment s = toRead.get(segment);
                try {
                    channel = FileChannel.open(s.file(), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    throw new Gone("the market record's versions from " + s.firstVersion()
                            + " were dropped by retention while they were being read");
                }
                // the open segment may grow; read only what was forced when the read began
                end = Math.min(s.bytes(), channel.size());
                pos = 0;
                InputStream raw = Channels.newInputStream(channel);
                in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the market record: " + e.getMessage(), e);
        }
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Entry e = next;
        next = null;
        return e;
    }

    private void closeSegment() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
            in = null;
        }
    }

    @Override
    public void close() {
        try {
            closeSegment();
        } catch (IOException e) {
            // reading only
        }
    }
}
