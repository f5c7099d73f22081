package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsmDisasmCommandTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void asm_smallProgram_writesTheArchitectedEncodings(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("p.s");
        Files.writeString(src, "\t.text\nstart:\n\tmov x0, #42\n\tb start\n\tret\n");
        Run r = run("asm", src.toString(), "--base", "0x40000000");
        assertThat(r.status()).as(r.err()).isZero();
        byte[] bin = Files.readAllBytes(dir.resolve("p.bin"));
        // movz x0, #42 = 0xd2800540; b . - 4 = 0x17ffffff; ret = 0xd65f03c0 (Arm ARM encodings, by hand)
        assertThat(bin).containsExactly(0x40, 0x05, 0x80, 0xd2 - 256, 0xff - 256, 0xff - 256, 0xff - 256, 0x17,
                0xc0 - 256, 0x03, 0x5f, 0xd6 - 256);
    }

    @Test
    void disasm_flatBinaryAtBase_printsObjdumpStyleLines(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, new byte[] {0x40, 0x05, (byte) 0x80, (byte) 0xd2, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x17});
        Run r = run("disasm", bin.toString(), "--base", "0x40000000");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly(
                // as aarch64-linux-gnu-objdump -D -b binary -m aarch64 --adjust-vma=0x40000000 prints them
                "    40000000:\td2800540 \tmov\tx0, #0x2a                  \t// #42",
                "    40000004:\t17ffffff \tb\t0x40000000");
    }

    @Test
    void asm_unknownMnemonic_oneLineErrorNamingLineAndColumn_noOutputFile(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("bad.s");
        Files.writeString(src, "\tnop\n\tfrobnicate x0, x1\n");
        Run r = run("asm", src.toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("bad.s").contains(":2:").contains("frobnicate");
        assertThat(dir.resolve("bad.bin")).doesNotExist();
    }

    @Test
    void disasm_missingFile_oneLineError(@TempDir Path dir) {
        Run r = run("disasm", dir.resolve("nope.bin").toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("cachevisor: error: input file " + dir.resolve("nope.bin") + " does not exist\n");
    }
}
