package org.cachevisor.vmm.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's device-tree-compiler ({@code dtc -I dtb -O dts}) on a blob. If dtc is missing, the test is
 * skipped with a visible message, unless the environment variable CI is set, in which case it fails.
 */
final class Dtc {
    private Dtc() {}

    /** Result of one decompilation: exit code, dts text on stdout, warnings on stderr. */
    record Result(int exitCode, String dts, String stderr) { }

    static String path() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "dtc");
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    static Result decompile(byte[] dtb) throws Exception {
        String dtc = path();
        if (dtc == null) {
            if (System.getenv("CI") != null) fail("dtc (Debian package device-tree-compiler) is required when CI is set");
            System.err.println("SKIPPED: dtc not found on PATH (apt-get install device-tree-compiler); FDT not checked by dtc");
            Assumptions.assumeTrue(false, "dtc not found on PATH");
        }
        Path in = Files.createTempFile("cachevisor", ".dtb");
        try {
            Files.write(in, dtb);
            Process p = new ProcessBuilder(dtc, "-I", "dtb", "-O", "dts", in.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("dtc finished").isTrue();
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(in);
        }
    }
}
