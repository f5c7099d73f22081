package org.cachevisor.machine.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cachevisor.isa.text.Disassembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential testing of the interpreter against qemu-aarch64 (Debian's qemu-user, -cpu cortex-a57: the Cortex-A57-like ID registers and 64-byte DC ZVA block our machine has): random
 * instruction sequences generated from the isa table ({@link RandomPrograms}) run in both, and the
 * registers, NZCV, SP and a scratch buffer are compared after every sequence.
 *
 * <p>The number of sequences is {@code -Dcachevisor.diff.sequences=N} (default 100,000 under CI,
 * 10,000 otherwise); the seed is {@code -Dcachevisor.diff.seed=S} (default fixed, printed on failure).
 */
class DifferentialTest {
    private static final int BATCH = 1000;

    @Test
    void randomSequences_runInBothExecutors_sameRegistersFlagsAndMemory(@TempDir Path dir) throws Exception {
        ExternalTools.require("aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu");
        ExternalTools.require("aarch64-linux-gnu-ld", "binutils-aarch64-linux-gnu");
        ExternalTools.require("qemu-aarch64", "qemu-user");
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isEmpty();
        int total = Integer.getInteger("cachevisor.diff.sequences", ci ? 100_000 : 10_000);
        long seed = Long.getLong("cachevisor.diff.seed", 0x5eed_cac4e_1501L);
        RandomPrograms gen = new RandomPrograms();
        SplittableRandom rnd = new SplittableRandom(seed);
        int divergences = 0;
        StringBuilder report = new StringBuilder();
        for (int done = 0; done < total; done += BATCH) {
            int n = Math.min(BATCH, total - done);
            List<RandomPrograms.Case> cases = new ArrayList<>(n);
            for (int i = 0; i < n; i++) cases.add(gen.generate(rnd));
            Path elf = build(dir, cases);
            byte[] expected = runQemu(dir, elf);
            byte[] actual = UserModeRun.stdout(elf);
            assertThat(expected).as("qemu output size").hasSize(n * Harness.RECORD_BYTES);
            for (int i = 0; i < n; i++) {
                String diff = compare(cases.get(i), expected, actual, i);
                if (diff != null) {
                    divergences++;
                    if (divergences <= 10) {
                        report.append("sequence ").append(done + i).append(" (seed 0x").append(Long.toHexString(seed))
                                .append(", batch ").append(done / BATCH).append(")\n").append(diff);
                    }
                }
            }
        }
        System.out.println("differential: " + total + " sequences, " + divergences + " divergences (seed 0x"
                + Long.toHexString(seed) + ")");
        assertThat(divergences).as(report.toString()).isZero();
    }

    private static Path build(Path dir, List<RandomPrograms.Case> cases) throws IOException, InterruptedException {
        Path src = dir.resolve("batch.s");
        Path obj = dir.resolve("batch.o");
        Path elf = dir.resolve("batch.elf");
        Files.writeString(src, Harness.source(cases));
        check(ExternalTools.run(List.of("aarch64-linux-gnu-as", "-o", obj.toString(), src.toString()), dir, 120), "as");
        check(ExternalTools.run(List.of("aarch64-linux-gnu-ld", "-static", "-o", elf.toString(), obj.toString()), dir, 120), "ld");
        return elf;
    }

    private static byte[] runQemu(Path dir, Path elf) throws IOException, InterruptedException {
        ExternalTools.Result r = ExternalTools.run(List.of("qemu-aarch64", "-cpu", "cortex-a57", elf.toString()), dir, 300);
        check(r, "qemu-aarch64");
        return r.stdout();
    }

    private static void check(ExternalTools.Result r, String what) {
        if (r.exitCode() != 0) throw new AssertionError(what + " failed (exit " + r.exitCode() + "): " + r.stderr());
    }

    /** Null when case {@code i} agrees, else a readable difference with the sequence's disassembly. */
    private static String compare(RandomPrograms.Case c, byte[] expected, byte[] actual, int i) {
        int base = i * Harness.RECORD_BYTES;
        StringBuilder d = new StringBuilder();
        if (actual.length < base + Harness.RECORD_BYTES) {
            d.append("  our output ends at byte ").append(actual.length).append('\n');
        } else {
            for (int r = 0; r < 32; r++) {
                long e = le64(expected, base + r * 8);
                long a = le64(actual, base + r * 8);
                if (e != a) {
                    String name = r < 30 ? "x" + r : r == 30 ? "sp" : "nzcv";
                    d.append(String.format("  %-4s qemu 0x%016x ours 0x%016x%n", name, e, a));
                }
            }
            for (int k = Harness.REGS_BYTES; k < Harness.RECORD_BYTES; k++) {
                if (expected[base + k] != actual[base + k]) {
                    d.append(String.format("  buffer[%d] qemu 0x%02x ours 0x%02x%n", k - Harness.REGS_BYTES - RandomPrograms.BUFFER_BYTES / 2,
                            expected[base + k] & 0xff, actual[base + k] & 0xff));
                    break;
                }
            }
        }
        if (d.length() == 0) return null;
        StringBuilder s = new StringBuilder();
        for (int w : c.words()) {
            s.append(String.format("    %08x  %s%n", w, Disassembler.disassemble(w, 0)));
        }
        StringBuilder regs = new StringBuilder("  initial:");
        for (int r = 0; r < 30; r++) regs.append(String.format(" x%d=0x%x", r, c.regs()[r]));
        regs.append(String.format(" nzcv=0x%x%n", c.nzcv()));
        return s.toString() + regs + d;
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int j = 7; j >= 0; j--) v = (v << 8) | (b[off + j] & 0xff);
        return v;
    }
}
