package org.cachevisor.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cachevisor.isa.elf.ElfWriter;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.isa.text.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cachevisor asm}: assembles GNU-syntax AArch64 source into a flat binary or an ELF file. */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = {"Assemble AArch64 source (GNU as syntax) with Cachevisor's own assembler.",
                "Errors name the file, line and column. The output is written only if assembly succeeds."})
public final class AsmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.s", description = "The assembler source.")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output file (default: the source's name with .bin, or .elf with --elf).")
    Path output;

    @Option(names = "--base", paramLabel = "ADDR", converter = Addresses.class, defaultValue = "0",
            description = "Address of the first byte of the image (default: ${DEFAULT-VALUE}).")
    long base;

    @Option(names = "--elf", description = "Write a static ELF64 executable (one PT_LOAD per section, with a symbol table)"
            + " instead of a flat binary.")
    boolean elf;

    @Option(names = "--relocatable", description = "With --elf: write a relocatable object (ET_REL) instead.")
    boolean relocatable;

    @Option(names = "--entry", paramLabel = "SYMBOL",
            description = "With --elf: the entry point (default: _start if defined, else the image's base).")
    String entry;

    @Option(names = "--symbols", description = "Print the symbol table after assembling.")
    boolean symbols;

    @Override
    public Integer call() {
        String text = new String(Files2.read(source, "source file"), StandardCharsets.UTF_8);
        Program program = Assembler.assemble(text, source.toString(), base);
        if (relocatable && !elf) throw new Main.UserError("--relocatable needs --elf");
        if (entry != null && !elf) throw new Main.UserError("--entry needs --elf");
        Path out = output != null ? output : defaultOutput(elf ? ".elf" : ".bin");
        byte[] bytes;
        if (!elf) {
            bytes = program.image();
        } else if (relocatable) {
            bytes = ElfWriter.writeRelocatable(program);
        } else {
            bytes = ElfWriter.writeExecutable(program, entryAddress(program));
        }
        Files2.writeAtomically(out, bytes);
        PrintWriter w = spec.commandLine().getOut();
        if (symbols) {
            program.symbols().entrySet().stream()
                    .sorted(java.util.Map.Entry.comparingByValue())
                    .forEach(e -> w.printf("%016x %s%n", e.getValue(), e.getKey()));
        }
        w.flush();
        return 0;
    }

    private long entryAddress(Program program) {
        if (entry == null) {
            Long start = program.symbols().get("_start");
            return start != null ? start : program.base();
        }
        Long v = program.symbols().get(entry);
        if (v == null) throw new Main.UserError("--entry: symbol '" + entry + "' is not defined in " + source);
        return v;
    }

    private Path defaultOutput(String ext) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path dir = source.toAbsolutePath().getParent();
        return dir.resolve(stem + ext);
    }
}
