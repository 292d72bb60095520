package io.tokenflow.service.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What recovery says, and keeps, when it drops a bad record at the end of the last segment (of the
 * update journal or of the market record): stateless; keeping the copy costs one atomic file write.
 *
 * <p><b>Why the wording matters.</b> A write is acknowledged (an update answered, a version served)
 * only after the fsync of its whole record, so a record the crash <em>cut short</em> was never
 * acknowledged, nor was a tail of <em>zeros</em> (space the file system allocated before the data
 * reached it). But a record whose whole length is there and whose checksum fails is ambiguous: either
 * a torn write (some of its blocks reached the disk before the power went, others did not; never
 * acknowledged), or damage on the media after its fsync, and then it <em>was</em> acknowledged and what
 * it held is lost. Recovery cannot tell these apart. Since nothing valid follows it, it is the last
 * write, and recovery drops it rather than refuse to start (which would make every power cut in the
 * middle of a write a manual recovery); it says which case it saw, logs the ambiguous one as an ERROR,
 * and keeps a copy of the dropped bytes ({@code dropped-<N>.bin} beside the segment) so that an
 * operator can look at it.
 */
final class BadTail {
    /** How a bad tail came to be, as far as its bytes say. */
    enum Kind {
        /** The crash cut the last write short: never acknowledged. */
        CUT_SHORT,
        /** Zeros the file system allocated and the crash never filled: never acknowledged. */
        UNWRITTEN,
        /** Whole, or garbage, but failing its checksum: a torn write, or damage after an acknowledged fsync. */
        DAMAGED;

        boolean mayHaveBeenAcknowledged() {
            return this == DAMAGED;
        }
    }

    private BadTail() {}

    /** The kind of the bad record at {@code pos}, which {@link JournalCodec#check} called {@code reason}. */
    static Kind classify(String reason, byte[] bytes, int pos) {
        if (reason.endsWith("cut short")) {
            return Kind.CUT_SHORT;
        }
        for (int i = pos; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return Kind.DAMAGED;
            }
        }
        return Kind.UNWRITTEN;
    }

    /** One sentence on what the kind means for {@code acknowledged} (e.g. "an acknowledged update"). */
    static String meaning(Kind kind, String acknowledged) {
        return switch (kind) {
            case CUT_SHORT -> "the crash cut its write short, so it was never acknowledged (acknowledgement waits"
                    + " for the fsync of the whole record)";
            case UNWRITTEN -> "zeros the file system allocated before the crash, never written, so never"
                    + " acknowledged";
            case DAMAGED -> "its checksum fails with its bytes present: either a write the crash tore (never"
                    + " acknowledged) or damage to the disk after its fsync, in which case it was " + acknowledged
                    + " and that is now lost; recovery cannot tell which, and since nothing valid follows it, it drops"
                    + " it rather than refuse to start";
        };
    }

    /**
     * Writes {@code bytes[from, end)} to {@code dir/dropped-<label>.bin} (or {@code dropped-<label>.2.bin}
     * and so on if that exists), whole or not at all, and returns its name.
     */
    static String keepCopy(Path dir, String label, byte[] bytes, int from) throws IOException {
        String name = "dropped-" + label + ".bin";
        for (int n = 2; Files.exists(dir.resolve(name)); n++) {
            name = String.format(Locale.ROOT, "dropped-%s.%d.bin", label, n);
        }
        JournalFiles.writeAtomically(dir, name, Arrays.copyOfRange(bytes, from, bytes.length));
        return name;
    }
}
