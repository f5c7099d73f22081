package org.cachevisor.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File helpers for commands: readable errors, and writes that never leave a half-written file. */
final class Files2 {
    private Files2() {}

    static byte[] read(Path file, String what) {
        try {
            if (Files.isDirectory(file)) throw new Main.UserError(what + " " + file + " is a directory");
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Main.UserError(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new Main.UserError("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** Writes through a temporary file in the same folder, then renames it into place. */
    static void writeAtomically(Path file, byte[] bytes) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + file + ": " + e.getMessage());
        }
    }
}
