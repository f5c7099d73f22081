package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Debian's U-Boot for QEMU's virt ({@code u-boot-qemu}), unmodified, on {@code cachevisor run --bios}: to
 * its prompt bare and under the policies that keep a caches-off guest coherent, with the same console
 * dialogue as on {@code qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M -nographic -bios u-boot.bin}
 * (run by this test, same input); and under {@code none} with the seeded adversary, where the oracle
 * reports the stale reads and the guest never gets there.
 *
 * <p>The dialogue ({@link #COMMANDS}) is typed as an expect script would: a key once U-Boot offers to stop
 * its autoboot (earlier keys are flushed when U-Boot enables the PL011's FIFO, and QEMU's timing decides
 * how many), then one command per prompt, then Ctrl-A X. The commands' output depends on memory contents
 * (flash through the guest's mappings, RAM U-Boot wrote with its caches on), not on the device tree,
 * whose bytes differ from QEMU's (phandles, devices QEMU has and we do not). The flash is read from offset
 * 64 KiB on: bare mode has no flash command interface (BareMetal's read-only slots are plain RAM), so the
 * CFI commands U-Boot writes to the start of bank 0 when it probes the flash land in the image there.
 *
 * <p>Skipped, with a message on stderr, when u-boot-qemu or qemu-system-aarch64 is missing; failed instead
 * when the environment variable CI is set.
 */
class UBootTest {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
    static final String PROMPT = "\n=> ";
    /** Commands whose output depends on memory contents; typed one per prompt. */
    static final List<String> COMMANDS = List.of(
            "version",
            "crc32 0x10000 0x80000",                  // flash bank 0: 512 KiB of u-boot.bin from offset 64 KiB
            "mw.l 0x50000000 0x12345678 0x400",       // RAM written by U-Boot, caches on
            "cp.b 0x10000 0x50001000 0x10000",        // flash copied into RAM
            "crc32 0x50000000 0x11000",
            "md.l 0x50000ff8 4",
            "cmp.b 0x10000 0x50001000 0x10000");
    /** Ample for the ~40 M instructions to the prompt and the commands; the script ends the run first. */
    static final String BUDGET = "300000000";

    private InputStream savedInput;

    @BeforeEach
    void saveConsoleInput() { savedInput = RunCommand.consoleInput; }

    @AfterEach
    void restoreConsoleInput() { RunCommand.consoleInput = savedInput; }

    private static boolean toolsPresent() {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(UBOOT)) missing.add(UBOOT + " (apt-get install u-boot-qemu)");
        if (onPath("qemu-system-aarch64") == null) missing.add("qemu-system-aarch64 (apt-get install qemu-system-arm)");
        if (missing.isEmpty()) return true;
        if (System.getenv("CI") != null) throw new AssertionError("required when CI is set: " + missing);
        System.err.println("SKIPPED: UBootTest needs " + String.join(" and ", missing));
        return false;
    }

    private static String onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, tool).canExecute()) return new File(d, tool).getPath();
        }
        return null;
    }

    /**
     * The scripted user: what to type next, given the console output so far. A key after the autoboot
     * offer, command i once i + 1 prompts were printed, Ctrl-A X after the prompt that follows the last.
     */
    static final class Script {
        private int sent = -1; // -1: the autoboot key not yet typed

        /** Bytes to type now (possibly none). */
        byte[] next(CharSequence output) {
            String text = output.toString();
            if (sent == -1) {
                if (!text.contains("Hit any key to stop autoboot")) return new byte[0];
                sent = 0;
                return " ".getBytes(StandardCharsets.US_ASCII);
            }
            int prompts = count(text, PROMPT);
            if (sent < COMMANDS.size() && prompts >= sent + 1) {
                return (COMMANDS.get(sent++) + "\r").getBytes(StandardCharsets.US_ASCII);
            }
            if (sent == COMMANDS.size() && prompts >= sent + 1) {
                sent++;
                return new byte[] {ConsoleEscape.ESCAPE, 'x'};
            }
            return new byte[0];
        }

        boolean done() { return sent > COMMANDS.size(); }
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    /** The console input of a cachevisor run: the script, reading the run's own output (same thread). */
    static final class ScriptedInput extends InputStream {
        private final Script script = new Script();
        private final Supplier<CharSequence> output;
        private byte[] pending = new byte[0];
        private int pos;

        ScriptedInput(Supplier<CharSequence> output) { this.output = output; }

        @Override
        public int available() {
            if (pos == pending.length) {
                pending = script.next(output.get());
                pos = 0;
            }
            return pending.length - pos;
        }

        @Override
        public int read() {
            if (available() == 0) return -1;
            return pending[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, available());
            System.arraycopy(pending, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    record Run(int status, String out, String err) {}

    static Run cachevisor(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        RunCommand.consoleInput = new ScriptedInput(out::getBuffer);
        List<String> all = new ArrayList<>(List.of("run", "--bios", UBOOT.toString(), "-m", "512M", "--max-insns", BUDGET));
        all.addAll(List.of(args));
        int status = Main.execute(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private static String qemuOutput;

    /** QEMU's console output for the same script (run once per JVM). */
    static synchronized String qemu() throws Exception {
        if (qemuOutput != null) return qemuOutput;
        Process p = new ProcessBuilder("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "512M", "-nographic",
                "-bios", UBOOT.toString()).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        Script script = new Script();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (OutputStream in = p.getOutputStream()) {
            while (!script.done() && System.nanoTime() < deadline) {
                byte[] typed = script.next(out);
                if (typed.length > 0) {
                    in.write(typed);
                    in.flush();
                } else {
                    Thread.sleep(20);
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        } finally {
            p.destroyForcibly();
            reader.join(5000);
        }
        assertThat(script.done()).as("QEMU did not finish the dialogue within 60 s:%n%s", out).isTrue();
        qemuOutput = out.toString();
        return qemuOutput;
    }

    /** From the first prompt to the prompt after the last command (the dialogue, without banners and exit noise). */
    static String dialogue(String output) {
        int from = output.indexOf(PROMPT);
        int to = output.lastIndexOf(PROMPT);
        assertThat(from).as("no prompt in:%n%s", output).isNotNegative();
        return output.substring(from, to + PROMPT.length());
    }

    static long staleReads(String summary) {
        String line = summary.lines().filter(l -> l.startsWith("  stale reads")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll("^\\s*stale reads\\s+(\\d+).*$", "$1"));
    }

    @TestFactory
    Stream<DynamicTest> uboot_coherentSetups_sameDialogueAsQemuAndNoStaleRead() {
        if (!toolsPresent()) {
            Assumptions.assumeTrue(false, "u-boot-qemu or qemu-system-aarch64 missing");
        }
        return Stream.of("--bare", "kvm-2014", "kvm-2015", "kvm-2017", "fwb").map(setup -> DynamicTest.dynamicTest(setup, () -> {
            String expected = dialogue(qemu());
            // independent derivations: the dialogue's memory-dependent lines as computed here
            byte[] image = Files.readAllBytes(UBOOT);
            CRC32 crc = new CRC32();
            crc.update(image, 0x10000, 0x80000);
            java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(image, 0x10000, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(expected).contains(String.format("crc32 for 00010000 ... 0008ffff ==> %08x", crc.getValue()))
                    .contains(String.format("50000ff8: 12345678 12345678 %08x %08x", words.getInt(), words.getInt()))
                    .contains("Total of 65536 byte(s) were the same");

            Run r = setup.startsWith("--") ? cachevisor(setup) : cachevisor("--policy", setup);
            assertThat(r.err()).as(r.out()).contains("cachevisor run: stopped from the console (Ctrl-A X)");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(dialogue(r.out())).as(r.err()).isEqualTo(expected);
            assertThat(staleReads(r.err())).as(r.err()).isZero();
        }));
    }

    @TestFactory
    Stream<DynamicTest> uboot_noneWithAdversary_staleReadsReportedAndNoPrompt() {
        if (!toolsPresent()) {
            Assumptions.assumeTrue(false, "u-boot-qemu or qemu-system-aarch64 missing");
        }
        return Stream.of(1L, 2L, 3L).map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            RunCommand.consoleInput = new ScriptedInput(out::getBuffer);
            int status = Main.execute(new String[] {"run", "--bios", UBOOT.toString(), "-m", "512M", "--policy", "none",
                    "--adversary-seed", Long.toString(seed), "--max-insns", "5000000"}, new PrintWriter(out, true), new PrintWriter(err, true));
            String summary = err.toString();
            System.err.println("none, adversary seed " + seed + ":\n" + out + "\n" + summary);
            assertThat(status).as(summary).isEqualTo(124); // caught by the instruction budget
            assertThat(out.toString()).doesNotContain(PROMPT);
            assertThat(staleReads(summary)).as(summary).isPositive();
            // attribution: the reader (the vCPU, caches off: a Device access), where the value came from, the mechanism
            assertThat(summary).contains("adversary       seed " + seed).contains("STALE load by virt/vcpu0").contains("Device")
                    .containsPattern("  mechanisms      .*(NOT_CLEANED_TO_POC|CLEANED_TO_POU_ONLY|WRITEBACK_OVER_NEWER_WRITE)");
        }));
    }
}
