package org.cachevisor.scenarios;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external reference tools (GNU binutils, QEMU); skips visibly when one is absent, fails if CI is set. */
final class ExternalTools {
    private ExternalTools() {}

    /** Skips the calling test with a printed message if {@code tool} is not on PATH; fails instead when CI is set. */
    static void require(String tool, String debianPackage) {
        boolean present = run(List.of(tool, "--version"), null, 30).exit() == 0;
        String message = tool + " not found on PATH (Debian package " + debianPackage + ")";
        if (!present && System.getenv("CI") != null) throw new AssertionError(message + " but CI is set");
        if (!present) System.err.println("SKIPPED: " + message);
        assumeTrue(present, message);
    }

    /** exit = -1 and timedOut = true when the process had to be killed after {@code timeoutSeconds}. */
    record Result(int exit, boolean timedOut, String out, String err) {}

    static Result run(List<String> cmd, Path dir, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("scenarios", ".out"), err = Files.createTempFile("scenarios", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (dir != null) pb.directory(dir.toFile());
            Process p = pb.start();
            boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Result r = new Result(finished ? p.exitValue() : -1, !finished,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            return new Result(-1, false, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, false, "", e.toString());
        }
    }

    /** Deletes a temporary directory tree (best effort). */
    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
