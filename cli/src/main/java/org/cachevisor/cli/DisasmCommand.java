package org.cachevisor.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cachevisor.isa.elf.ElfReader;
import org.cachevisor.isa.text.Disassembler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cachevisor disasm}: objdump-style disassembly of a flat binary or of an ELF's executable segments. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = {"Disassemble AArch64 code, printed as aarch64-linux-gnu-objdump -d prints it.",
                "A flat binary is disassembled from --base; an ELF file (recognised by its magic) from each"
                        + " executable PT_LOAD segment at its virtual address."})
public final class DisasmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A flat binary or an AArch64 ELF file.")
    Path file;

    @Option(names = "--base", paramLabel = "ADDR", converter = Addresses.class, defaultValue = "0",
            description = "Address of the first byte of a flat binary (default: ${DEFAULT-VALUE}).")
    long base;

    @Override
    public Integer call() {
        byte[] bytes = Files2.read(file, "input file");
        PrintWriter out = spec.commandLine().getOut();
        if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            ElfReader.ElfFile elf = ElfReader.read(bytes);
            for (ElfReader.Segment s : elf.loadSegments()) {
                if ((s.flags() & ElfReader.PF_X) == 0) continue;
                out.printf("%nDisassembly of segment at 0x%x (%d bytes):%n%n", s.va(), s.fileSize());
                for (String line : Disassembler.disassembleAll(elf.contents(s), s.va())) out.println(line);
            }
        } else {
            if (bytes.length % 4 != 0) {
                spec.commandLine().getErr().printf("cachevisor: warning: %s is %d bytes, not a whole number of"
                        + " instructions; the last %d bytes are not shown%n", file, bytes.length, bytes.length % 4);
            }
            for (String line : Disassembler.disassembleAll(bytes, base)) out.println(line);
        }
        out.flush();
        return 0;
    }
}
