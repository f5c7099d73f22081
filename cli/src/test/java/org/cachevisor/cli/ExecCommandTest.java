package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cachevisor exec} on small freestanding C programs (src/test/resources/exec/*.c) compiled
 * with aarch64-linux-gnu-gcc at test time. Without the cross compiler the tests are skipped with a
 * visible message, unless the environment variable CI is set: then they fail.
 */
class ExecCommandTest {
    private static final String GCC = "aarch64-linux-gnu-gcc";

    @TempDir
    static Path dir;

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) if (new File(d, tool).canExecute()) return true;
        return false;
    }

    private static boolean toolchain;

    @BeforeAll
    static void compile() throws Exception {
        toolchain = onPath(GCC);
        String ci = System.getenv("CI");
        if (!toolchain && ci != null && !ci.isEmpty() && !ci.equals("false")) {
            throw new AssertionError(GCC + " not found on PATH; under CI it is mandatory (apt-get install gcc-aarch64-linux-gnu)");
        }
        if (!toolchain) {
            System.err.println("SKIPPED: ExecCommandTest needs " + GCC + " (apt-get install gcc-aarch64-linux-gnu)");
            return;
        }
        for (String name : new String[] {"start.h", "hello.c", "args.c", "checksum.c", "undef.c", "mix.c"}) {
            try (InputStream in = ExecCommandTest.class.getResourceAsStream("/exec/" + name)) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        for (String p : new String[] {"hello", "args", "checksum", "undef", "mix"}) {
            List<String> cmd = List.of(GCC, "-static", "-nostdlib", "-ffreestanding", "-fno-builtin", "-mgeneral-regs-only",
                    "-march=armv8-a+crc", "-O2", "-o", p + ".elf", p + ".c");
            Process proc = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) throw new AssertionError("compiling " + p + ".c failed:\n" + log);
        }
    }

    private static void requireToolchain() {
        assumeTrue(toolchain, GCC + " not found on PATH");
    }

    private record Result(int status, String out, String err) {}

    private static Result exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("exec"));
        all.addAll(List.of(args));
        int status = Main.execute(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    private static String elf(String name) {
        return dir.resolve(name + ".elf").toString();
    }

    @Test
    void exec_hello_printsOutputAndReturnsGuestStatus() {
        requireToolchain();
        Result r = exec(elf("hello"));
        assertThat(r.out()).isEqualTo("hello, world\n");
        assertThat(r.err()).contains("to stderr");
        assertThat(r.status()).isEqualTo(7);
    }

    @Test
    void exec_args_seesArgvAndAuxv() {
        requireToolchain();
        Result r = exec(elf("args"), "first", "second");
        assertThat(r.out()).isEqualTo("first\nsecond\n0x0000000000001000\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void exec_optionsAfterProgram_goToTheGuest() {
        requireToolchain();
        Result r = exec(elf("args"), "--stats", "-x");
        assertThat(r.out()).isEqualTo("--stats\n-x\n0x0000000000001000\n");
        assertThat(r.err()).doesNotContain("instructions in");
        assertThat(r.status()).isZero();
    }

    /** The checksum of checksum.c, recomputed here in Java from the C source's definition. */
    private static long referenceChecksum() {
        long h = 1469598103934665603L;
        int[] data = new int[256];
        byte[] heap = new byte[4096];
        for (int i = 0; i < 256; i++) data[i] = i * (int) 2654435761L;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 256; i++) {
                h = mix(h, Integer.toUnsignedLong(data[i]) / (i + 1));
                h = mix(h, (long) (data[i] % 7));
                data[i] ^= (int) h;
                heap[(i * 13 + round) & 4095] += (byte) h;
                int o = (i * 7) & 4094;
                h = mix(h, (heap[o] & 0xFF) | ((heap[o + 1] & 0xFF) << 8));
            }
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x100000001b3L;
        return (h << 13) | (h >>> 51);
    }

    @Test
    void exec_checksum_matchesJavaReference() {
        requireToolchain();
        long expected = referenceChecksum();
        Result r = exec("--stats", elf("checksum"));
        assertThat(r.out()).isEqualTo(String.format("0x%016x%n", expected).replace(System.lineSeparator(), "\n"));
        assertThat(r.status()).isEqualTo((int) (expected & 0x7F));
        assertThat(r.err()).containsPattern("\\d+ instructions in .* MIPS");
    }

    @Test
    void exec_mixedWorkload_matchesQemuUserMode() throws Exception {
        requireToolchain();
        boolean qemu = onPath("qemu-aarch64");
        String ci = System.getenv("CI");
        if (!qemu && ci != null && !ci.isEmpty() && !ci.equals("false")) {
            throw new AssertionError("qemu-aarch64 not found on PATH; under CI it is mandatory (apt-get install qemu-user)");
        }
        if (!qemu) System.err.println("SKIPPED: exec_mixedWorkload_matchesQemuUserMode needs qemu-aarch64 (apt-get install qemu-user)");
        assumeTrue(qemu, "qemu-aarch64 not found on PATH");
        Process proc = new ProcessBuilder("qemu-aarch64", elf("mix")).redirectErrorStream(false).start();
        String expected = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Result r = exec(elf("mix"));
        assertThat(expected).contains("fib 0x0000000000001a6d"); // fib(20) = 6765, as a sanity check of the reference
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.status()).isEqualTo(proc.exitValue());
    }

    @Test
    void exec_undefinedInstruction_endsWithSigill() {
        requireToolchain();
        Result r = exec(elf("undef"));
        assertThat(r.out()).isEqualTo("before\n");
        assertThat(r.status()).isEqualTo(128 + 4);
        assertThat(r.err()).contains("SIGILL: undefined instruction at pc 0x");
    }

    @Test
    void exec_maxInsns_stopsWithStatus124() {
        requireToolchain();
        Result r = exec("--max-insns", "1000", elf("checksum"));
        assertThat(r.status()).isEqualTo(124);
        assertThat(r.err()).contains("instruction limit of 1000 reached");
    }

    @Test
    void exec_notAnElf_isRefusedWithTheReason() throws IOException {
        Path bad = dir.resolve("bad.elf");
        Files.write(bad, "#!/bin/sh\necho hi\n".repeat(8).getBytes(StandardCharsets.US_ASCII));
        Result r = exec(bad.toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("cachevisor: error: exec:").contains("bad magic");
    }

    @Test
    void exec_x86Elf_isRefusedNamingTheMachine() throws IOException {
        byte[] b = new byte[128];
        b[0] = 0x7F; b[1] = 'E'; b[2] = 'L'; b[3] = 'F'; b[4] = 2; b[5] = 1; b[6] = 1;
        b[16] = 2; b[18] = 62;
        Path bad = dir.resolve("x86.elf");
        Files.write(bad, b);
        Result r = exec(bad.toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("machine 62 is not EM_AARCH64");
    }

    @Test
    void exec_missingFile_isRefused() {
        Result r = exec(dir.resolve("nope.elf").toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("no such file");
    }
}
