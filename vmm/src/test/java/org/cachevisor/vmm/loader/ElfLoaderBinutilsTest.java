package org.cachevisor.vmm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ELF loader against GNU binutils: a bare-metal program (text, data, .bss) linked by GNU ld at RAM
 * addresses; the plan must place exactly what {@code readelf -l} lists as LOAD segments (PhysAddr,
 * MemSiz, FileSiz bytes from Offset, zeros after) and enter at readelf's entry point. Also: U-Boot's own
 * ELF (linked at 0, to run from flash) is refused with a one-line message. Skipped without binutils.
 */
class ElfLoaderBinutilsTest {
    static final VirtBoard BOARD = VirtBoard.create(128L << 20, 1);

    @Test
    void plan_gnuLinkedProgram_matchesReadelfLoadSegments() throws Exception {
        for (String tool : new String[] {"aarch64-linux-gnu-as", "aarch64-linux-gnu-ld", "aarch64-linux-gnu-readelf"}) {
            if (!onPath(tool)) {
                System.err.println("SKIPPED: " + tool + " not found (apt-get install binutils-aarch64-linux-gnu)");
                Assumptions.assumeTrue(false, tool + " not found");
            }
        }
        Path dir = Files.createTempDirectory("vmm-elf");
        try {
            Files.writeString(dir.resolve("p.S"), """
                        .text
                        .global _start
                    _start:
                        nop
                        b _start
                        .data
                    val: .quad 0x1122334455667788
                        .bss
                    buf: .space 0x3000
                    """);
            Files.writeString(dir.resolve("p.ld"), """
                    ENTRY(_start)
                    SECTIONS {
                      . = 0x40080000;
                      .text : { *(.text) }
                      . = 0x40100000;
                      .data : { *(.data) }
                      .bss : { *(.bss) }
                    }
                    """);
            run(dir, "aarch64-linux-gnu-as", "-o", "p.o", "p.S");
            run(dir, "aarch64-linux-gnu-ld", "-T", "p.ld", "-o", "p.elf", "p.o");
            String readelf = run(dir, "aarch64-linux-gnu-readelf", "-lhW", "p.elf");
            byte[] file = Files.readAllBytes(dir.resolve("p.elf"));
            LoadPlan plan = ElfLoader.plan(file, BOARD);

            Matcher entry = Pattern.compile("Entry point address:\\s+0x([0-9a-f]+)").matcher(readelf);
            assertThat(entry.find()).isTrue();
            assertThat(plan.entryPc()).isEqualTo(Long.parseUnsignedLong(entry.group(1), 16));
            Matcher load = Pattern.compile("LOAD\\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)").matcher(readelf);
            List<long[]> segments = new ArrayList<>();
            while (load.find()) {
                long[] s = new long[5];
                for (int i = 0; i < 5; i++) s[i] = Long.parseUnsignedLong(load.group(i + 1), 16);
                segments.add(s);
            }
            assertThat(segments).hasSize(2);
            assertThat(plan.placements()).hasSize(segments.size());
            for (int i = 0; i < segments.size(); i++) {
                long[] s = segments.get(i); // offset, va, pa, filesz, memsz
                Placement p = plan.placements().get(i);
                assertThat(p.ipa()).isEqualTo(s[2]);
                assertThat((long) p.bytes().length).isEqualTo(s[4]);
                for (int b = 0; b < s[4]; b++) {
                    byte expected = b < s[3] ? file[(int) (s[0] + b)] : 0;
                    assertThat(p.bytes()[b]).as("segment %d byte %d", i, b).isEqualTo(expected);
                }
            }
            assertThat(plan.placements().get(1).bytes()[0]).isEqualTo((byte) 0x88); // .data starts with val, little-endian
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void plan_ubootElfLinkedForFlash_refusedOutsideRam() throws Exception {
        Path uboot = Path.of("/usr/lib/u-boot/qemu_arm64/uboot.elf");
        if (!Files.isReadable(uboot)) {
            System.err.println("SKIPPED: " + uboot + " not found (package u-boot-qemu)");
            Assumptions.assumeTrue(false, "u-boot-qemu missing");
        }
        byte[] elf = Files.readAllBytes(uboot);
        assertThatThrownBy(() -> ElfLoader.plan(elf, BOARD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ELF: segment 0 [pa 0x0, ")
                .hasMessageEndingWith(") is outside RAM [0x40000000, 0x48000000)");
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) { in.transferTo(out); }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
        return text;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) if (new File(d, tool).canExecute()) return true;
        return false;
    }
}
