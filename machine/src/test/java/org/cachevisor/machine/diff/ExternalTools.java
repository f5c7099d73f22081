package org.cachevisor.machine.diff;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * External reference tools (GNU binutils for AArch64, qemu-aarch64). On a developer's machine a
 * missing tool skips the test with a visible message; under CI (environment variable CI set) it fails.
 */
final class ExternalTools {
    private ExternalTools() {}

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) return true;
        }
        return false;
    }

    /** Skips (developer machine) or fails (CI) when a tool is missing. */
    static void require(String tool, String debianPackage) {
        boolean present = onPath(tool);
        String ci = System.getenv("CI");
        if (!present && ci != null && !ci.isEmpty() && !ci.equals("false")) {
            throw new AssertionError(tool + " not found on PATH; under CI it is mandatory (apt-get install "
                    + debianPackage + ", see .ci/run)");
        }
        if (!present) {
            System.err.println("SKIPPED: " + tool + " not found on PATH (apt-get install " + debianPackage + ")");
        }
        assumeTrue(present, tool + " not found on PATH (apt-get install " + debianPackage + ")");
    }

    /** The result of a finished process. */
    record Result(int exitCode, byte[] stdout, String stderr) {}

    /** Runs a command to completion (at most {@code timeoutSeconds}), capturing its output. */
    static Result run(List<String> command, Path workDir, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread tOut = pump(p.getInputStream(), out);
        Thread tErr = pump(p.getErrorStream(), err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
        }
        tOut.join();
        tErr.join();
        return new Result(p.exitValue(), out.toByteArray(), err.toString());
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException e) {
                // the process died; what was read is kept
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
