package org.cachevisor.isa.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus ({@code src/test/resources/corpus/*.s}) assembled by GNU as and linked by GNU ld at
 * the addresses our assembler chose: every section's bytes must be identical, and our
 * disassembly of every instruction must equal objdump's line. One as/ld/objdump run per file.
 */
class GnuCorpusTest {
    static final long BASE = 0x400000L;

    @TestFactory
    Stream<DynamicTest> corpusFile_assembledByUsAndGnu_sameBytesAndSameDisassembly() throws IOException {
        Path dir = Path.of("src/test/resources/corpus");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".s")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private void check(Path source) throws IOException {
        GnuTools.require(GnuTools.AS);
        String src = Files.readString(source, StandardCharsets.UTF_8);
        Program ours = Assembler.assemble(src, source.getFileName().toString(), BASE);

        Path tmp = Files.createTempDirectory("isa-corpus");
        Path obj = tmp.resolve("x.o"), exe = tmp.resolve("x");
        GnuTools.Result as = GnuTools.run(List.of(GnuTools.AS, GnuTools.MARCH, source.toAbsolutePath().toString(), "-o", obj.toString()), tmp);
        assertThat(as.exit()).as("GNU as: %s", as.err()).isZero();
        List<String> ld = new ArrayList<>(List.of("aarch64-linux-gnu-ld", "-Ttext=0x" + Long.toHexString(BASE), "-e", "0x" + Long.toHexString(BASE)));
        for (Program.Section s : ours.sections()) {
            if (!s.name().equals(".text")) ld.add("--section-start=" + s.name() + "=0x" + Long.toHexString(s.address()));
        }
        ld.addAll(List.of(obj.toString(), "-o", exe.toString()));
        GnuTools.Result link = GnuTools.run(ld, tmp);
        assertThat(link.exit()).as("GNU ld: %s", link.err()).isZero();

        for (Program.Section s : ours.sections()) {
            if (s.name().equals(".bss")) continue;
            Path bin = tmp.resolve("section.bin");
            GnuTools.Result oc = GnuTools.run(List.of("aarch64-linux-gnu-objcopy", "-O", "binary", "-j", s.name(), exe.toString(), bin.toString()), tmp);
            assertThat(oc.exit()).as("objcopy: %s", oc.err()).isZero();
            byte[] gnu = Files.readAllBytes(bin);
            List<String> oursHex = hexWords(s.bytes()), ref = hexWords(gnu);
            List<String> diff = new ArrayList<>();
            for (int i = 0; i < Math.max(oursHex.size(), ref.size()); i++) {
                String a = i < oursHex.size() ? oursHex.get(i) : "-", b = i < ref.size() ? ref.get(i) : "-";
                if (!a.equals(b)) diff.add("ours " + a + " GNU " + b + (s.executable() && i < oursHex.size() ? "  (" + lineOf(src, ours, s, 4 * i) + ")" : ""));
            }
            assertThat(diff).as("%s section %s bytes differ from GNU as (%d vs %d bytes)", source.getFileName(), s.name(), s.bytes().length, gnu.length).isEmpty();

            if (!s.executable()) continue;
            GnuTools.Result od = GnuTools.run(List.of(GnuTools.OBJDUMP, "-D", "-z", "-b", "binary", "-m", "aarch64",
                    "--adjust-vma=0x" + Long.toHexString(s.address()), bin.toString()), tmp);
            Map<Long, String> theirs = byAddress(od.out());
            List<String> mismatches = new ArrayList<>();
            for (int off : s.instructionOffsets()) {
                long pc = s.address() + off;
                int w = (s.bytes()[off] & 0xff) | (s.bytes()[off + 1] & 0xff) << 8 | (s.bytes()[off + 2] & 0xff) << 16 | (s.bytes()[off + 3] & 0xff) << 24;
                String mine = Disassembler.disassemble(w, pc);
                if (!mine.equals(theirs.get(pc))) {
                    mismatches.add(String.format("%x: %08x ours: %s | objdump: %s", pc, w, mine, theirs.get(pc)));
                }
            }
            assertThat(mismatches).as("%s: disassembly vs objdump", source.getFileName()).isEmpty();
        }
    }

    /** Our disassembly of the word at {@code off}, to help reading a byte mismatch. */
    static String lineOf(String src, Program p, Program.Section s, int off) {
        if (off + 4 > s.bytes().length) return "";
        int w = (s.bytes()[off] & 0xff) | (s.bytes()[off + 1] & 0xff) << 8 | (s.bytes()[off + 2] & 0xff) << 16 | (s.bytes()[off + 3] & 0xff) << 24;
        return Disassembler.disassemble(w, s.address() + off);
    }

    static Map<Long, String> byAddress(String objdump) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (String line : objdump.split("\n")) {
            int colon = line.indexOf(":\t");
            if (colon < 0 || !line.substring(0, colon).trim().matches("[0-9a-f]+")) continue;
            String rest = line.substring(colon + 2);
            int tab = rest.indexOf(" \t");
            if (tab < 0) continue;
            m.put(Long.parseLong(line.substring(0, colon).trim(), 16), rest.substring(tab + 2));
        }
        return m;
    }

    static List<String> hexWords(byte[] b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < b.length; i += 4) {
            byte[] chunk = java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + 4));
            out.add(String.format("+%04x %s", i, HexFormat.of().formatHex(chunk)));
        }
        return out;
    }
}
