package org.cachevisor.isa.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.isa.text.Program;
import org.junit.jupiter.api.Test;

/** ElfWriter output read back by ElfReader and executed by qemu-aarch64 (Linux user mode). */
class ElfWriterTest {
    static final String HELLO = String.join("\n",
            "    .text",
            "    .global _start",
            "_start:",
            "    mov x0, #1",            // fd stdout
            "    adrp x1, msg",
            "    add x1, x1, :lo12:msg",
            "    mov x2, #3",
            "    mov x8, #64",           // write
            "    svc #0",
            "    ldr x0, =42",
            "    mov x8, #93",           // exit
            "    svc #0",
            "    .data",
            "msg: .ascii \"hi\\n\"",
            "");

    @Test
    void writeExecutable_helloProgram_readBackWithSegmentsEntryAndSymbols() {
        Program p = Assembler.assemble(HELLO, "hello.s", 0x400000);
        byte[] elf = ElfWriter.writeExecutable(p, p.symbol("_start"));
        ElfReader.ElfFile f = ElfReader.read(elf);
        assertThat(f.type()).isEqualTo(ElfReader.ET_EXEC);
        assertThat(f.entry()).isEqualTo(0x400000L);
        assertThat(f.loadSegments()).hasSize(2);
        ElfReader.Segment text = f.loadSegments().get(0), data = f.loadSegments().get(1);
        assertThat(text.va()).isEqualTo(0x400000L);
        assertThat(text.flags()).isEqualTo(ElfReader.PF_R | ElfReader.PF_X);
        assertThat(data.va()).isEqualTo(0x401000L);          // next 4 KiB page
        assertThat(data.flags()).isEqualTo(ElfReader.PF_R | ElfReader.PF_W);
        assertThat(new String(f.contents(data), StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        assertThat(f.symbols()).containsEntry("_start", 0x400000L).containsEntry("msg", 0x401000L);
    }

    @Test
    void writeExecutable_entryOutsideCode_isRefused() {
        Program p = Assembler.assemble(HELLO, "hello.s", 0x400000);
        assertThatThrownBy(() -> ElfWriter.writeExecutable(p, 0x401000L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry point 0x401000");
    }

    @Test
    void writeExecutable_runUnderQemu_printsAndExitsWithTheProgramsStatus() throws Exception {
        boolean qemu = Files.isExecutable(Path.of("/usr/bin/qemu-aarch64"));
        assumeTrue(qemu || "true".equals(System.getenv("CI")), "qemu-aarch64 not installed: skipping the execution check");
        Program p = Assembler.assemble(HELLO, "hello.s", 0x400000);
        Path exe = Files.createTempFile("hello", ".elf");
        Files.write(exe, ElfWriter.writeExecutable(p, p.symbol("_start")));
        assertThat(exe.toFile().setExecutable(true)).isTrue();   // qemu-aarch64 refuses a non-executable file
        Process proc = new ProcessBuilder("qemu-aarch64", exe.toString()).redirectErrorStream(true).start();
        assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(proc.exitValue()).as("qemu output: %s", out).isEqualTo(42);
        assertThat(out).isEqualTo("hi\n");
    }

    @Test
    void writeRelocatable_symbolsAreSectionRelative() {
        Program p = Assembler.assemble(HELLO, "hello.s", 0x400000);
        byte[] o = ElfWriter.writeRelocatable(p);
        // e_type at offset 16 (little-endian half-word), e_machine at 18
        assertThat(o[16] & 0xff).isEqualTo(ElfReader.ET_REL);
        assertThat((o[18] & 0xff) | (o[19] & 0xff) << 8).isEqualTo(183);
        assertThat(new String(o, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("\u007fELF");
    }
}
