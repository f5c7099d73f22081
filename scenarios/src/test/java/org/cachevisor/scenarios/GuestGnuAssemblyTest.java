package org.cachevisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cachevisor.isa.text.Program;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every guest (common.s + scenario source) assembled by our assembler and by GNU as, linked by GNU ld
 * at 0x4008_0000 with each later section where ours put it: the flat images must be identical byte for
 * byte, and every symbol GNU nm reports must have the address (or .equ value) in our symbol table,
 * which is what the scenario engine uses to find the guest's data.
 */
class GuestGnuAssemblyTest {

    @TestFactory
    Stream<DynamicTest> guest_assembledByUsAndByGnuAs_identicalImageAndSymbols() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Scenarios.all()) {
            for (Scenario.Guest g : s.guests()) tests.add(DynamicTest.dynamicTest(g.source(), () -> check(g.source())));
        }
        return tests.stream();
    }

    private static void check(String guestSource) throws Exception {
        ExternalTools.require("aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu");
        Program ours = GuestPrograms.assemble(guestSource);
        Path dir = Files.createTempDirectory("scenarios-gnu");
        try {
            Files.writeString(dir.resolve("guest.s"), GuestPrograms.source(guestSource), StandardCharsets.UTF_8);
            ExternalTools.Result as = ExternalTools.run(List.of("aarch64-linux-gnu-as", "-o", "guest.o", "guest.s"), dir, 60);
            assertThat(as.exit()).as("GNU as: %s", as.err()).isZero();
            List<String> ld = new ArrayList<>(List.of("aarch64-linux-gnu-ld", "-Ttext=0x40080000", "-e", "0x40080000"));
            for (Program.Section sec : ours.sections()) {
                if (!sec.name().equals(".text")) ld.add("--section-start=" + sec.name() + "=0x" + Long.toHexString(sec.address()));
            }
            ld.addAll(List.of("--no-warn-rwx-segments", "-o", "guest.elf", "guest.o"));
            ExternalTools.Result link = ExternalTools.run(ld, dir, 60);
            assertThat(link.exit()).as("GNU ld: %s", link.err()).isZero();
            ExternalTools.Result oc = ExternalTools.run(List.of("aarch64-linux-gnu-objcopy", "-O", "binary", "guest.elf", "guest.bin"), dir, 60);
            assertThat(oc.exit()).as("objcopy: %s", oc.err()).isZero();
            byte[] gnu = Files.readAllBytes(dir.resolve("guest.bin"));
            assertThat(ours.image().length).as("image size").isEqualTo(gnu.length);
            int first = mismatch(ours.image(), gnu);
            assertThat(first).as("first differing byte at IPA 0x%x: ours %s, GNU %s", ours.base() + Math.max(first, 0),
                    window(ours.image(), first), window(gnu, first)).isEqualTo(-1);

            // The symbols the object file defines (not the linker's _end, __bss_start...), at their linked values.
            Map<String, Long> inObject = nm(dir, "guest.o"), linked = nm(dir, "guest.elf");
            Map<String, Long> gnuSymbols = new LinkedHashMap<>();
            for (String name : inObject.keySet()) gnuSymbols.put(name, linked.get(name));
            assertThat(gnuSymbols).containsKeys("main", "scenario_name", "vectors", "IMAGE_IPA", "MARKER_IPA");
            List<String> differ = new ArrayList<>();
            for (Map.Entry<String, Long> e : gnuSymbols.entrySet()) {
                Long mine = ours.symbols().get(e.getKey());
                if (mine == null || !mine.equals(e.getValue())) differ.add(e.getKey() + ": GNU 0x" + Long.toHexString(e.getValue()) + " ours " + mine);
            }
            assertThat(differ).as("symbols whose value differs from GNU nm's").isEmpty();
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }

    private static Map<String, Long> nm(Path dir, String file) {
        ExternalTools.Result nm = ExternalTools.run(List.of("aarch64-linux-gnu-nm", file), dir, 60);
        assertThat(nm.exit()).as("nm: %s", nm.err()).isZero();
        Map<String, Long> symbols = new LinkedHashMap<>();
        for (String line : nm.out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && !f[2].startsWith("$") && !f[2].contains(".")) symbols.put(f[2], Long.parseUnsignedLong(f[0], 16));
        }
        return symbols;
    }

    private static int mismatch(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) if (a[i] != b[i]) return i;
        return a.length == b.length ? -1 : Math.min(a.length, b.length);
    }

    private static String window(byte[] b, int at) {
        if (at < 0) return "";
        int from = at & ~3, to = Math.min(b.length, from + 8);
        return from < to ? HexFormat.of().formatHex(b, from, to) : "(end)";
    }
}
