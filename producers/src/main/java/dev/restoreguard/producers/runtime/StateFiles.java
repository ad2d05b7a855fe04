package dev.restoreguard.producers.runtime;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Collector state files: written whole or not at all, so a crash never leaves half a file behind. */
public final class StateFiles {

    private StateFiles() {
    }

    /**
     * Writes {@code content} to {@code <file>.tmp} next to {@code file}, then moves it over
     * {@code file} (atomically where the file system can; otherwise a plain replace).
     */
    public static void writeAtomically(final Path file, final byte[] content) throws IOException {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
