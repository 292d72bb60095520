package io.tokenflow.report.figures;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;

/** Writes a figure as PNG and SVG, each file replaced atomically so a reader never sees half of one. */
public final class FigureFiles {

    /** The two files written for one figure. */
    public record Written(Path png, Path svg) {}

    @FunctionalInterface
    private interface Encoder {
        void encode(OutputStream out) throws IOException;
    }

    private FigureFiles() {}

    /** Writes {@code <stem>.png} and {@code <stem>.svg} into {@code dir}, creating it if needed. */
    public static Written write(Figure figure, Path dir) throws IOException {
        Path png = writePng(figure, dir);
        Path svg = writeAtomically(dir, figure.fileStem() + ".svg",
                out -> VectorGraphicsEncoder.saveVectorGraphic(figure.chart(), out,
                        VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        return new Written(png, svg);
    }

    /**
     * Writes {@code <stem>.png} alone: XChart draws text as glyph outlines, so an SVG is 4-6 times the
     * PNG's size, which a report kept in a repository may not want.
     */
    public static Path writePng(Figure figure, Path dir) throws IOException {
        Files.createDirectories(dir);
        return writeAtomically(dir, figure.fileStem() + ".png",
                out -> BitmapEncoder.saveBitmap(figure.chart(), out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Writes a UTF-8 text file (a report's page) into {@code dir}, replacing it atomically. */
    public static Path writeText(Path dir, String fileName, String text) throws IOException {
        Files.createDirectories(dir);
        return writeAtomically(dir, fileName, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Path writeAtomically(Path dir, String fileName, Encoder encoder) throws IOException {
        Path target = dir.resolve(fileName);
        // same directory, so the move is a rename on one file system; not createTempFile, whose
        // owner-only permissions the published file would keep
        Path temp = dir.resolve("." + fileName + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                encoder.encode(out);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
