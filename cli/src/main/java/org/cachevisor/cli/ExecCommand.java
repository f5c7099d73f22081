package org.cachevisor.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cachevisor.isa.elf.ElfReader;
import org.cachevisor.machine.linux.LinuxProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cachevisor exec PROG.elf [ARGS]}: runs a static AArch64 Linux executable at EL0 on one PE of
 * the simulated machine (caches modelled, Normal Write-Back identity map), with a minimal Linux
 * system-call layer in Java; prints the guest's output and exits with the guest's exit status.
 *
 * <p>Exit status: the guest's; 128 + signal for a fatal guest fault (132 SIGILL, 133 SIGTRAP,
 * 135 SIGBUS, 139 SIGSEGV), with the reason on stderr; 124 when {@code --max-insns} runs out; 2 for a
 * file that is not a valid static AArch64 executable. Everything after the program name, options
 * included, goes to the guest.
 */
@Command(name = "exec", mixinStandardHelpOptions = true, modelTransformer = ExecCommand.GuestArguments.class,
        description = "Run a static AArch64 Linux ELF executable at EL0 with a minimal system-call layer.")
public final class ExecCommand implements Callable<Integer> {
    /** Everything after the program name belongs to the guest, options included (like env(1)). */
    static final class GuestArguments implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    @Parameters(index = "0", paramLabel = "PROG.elf", description = "A static AArch64 ELF executable (ET_EXEC).")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the guest (argv[1..]).")
    List<String> args = new ArrayList<>();

    @Option(names = "--stats", description = "Print instructions executed and MIPS on stderr.")
    boolean stats;

    @Option(names = "--max-insns", paramLabel = "N", description = "Stop after N instructions (exit status 124). Default: ${DEFAULT-VALUE}.")
    long maxInsns = 10_000_000_000L;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (maxInsns <= 0) throw new Main.UserError("--max-insns must be > 0, got " + maxInsns);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(program);
        } catch (NoSuchFileException e) {
            throw new Main.UserError("exec: no such file: " + program);
        }
        ElfReader.ElfFile elf;
        try {
            elf = ElfReader.read(bytes);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("exec: " + program + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        List<String> envp = List.of("PATH=/usr/bin:/bin", "HOME=/", "TERM=dumb");
        LinuxProcess process;
        try {
            process = new LinuxProcess(elf, argv, envp, new WriterStream(out), new WriterStream(err), null);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        // Host time, for the --stats report only: the model itself runs on virtual time.
        long startNanos = System.nanoTime();
        int status = process.run(maxInsns);
        long hostNanos = System.nanoTime() - startNanos;
        out.flush();
        if (process.fault() != null) err.println("cachevisor exec: " + process.fault());
        if (stats) {
            long n = process.pe().instructionCount();
            err.printf("cachevisor exec: %d instructions in %.3f s (%.1f MIPS), exit status %d%n",
                    n, hostNanos / 1e9, hostNanos == 0 ? 0.0 : n * 1e3 / hostNanos, status);
        }
        err.flush();
        return status;
    }

    /** Guest bytes to a PrintWriter (decoded as UTF-8 per write; the guest's output is text). */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;

        WriterStream(PrintWriter writer) { this.writer = writer; }

        @Override
        public void write(int b) { writer.write(b & 0xFF); }

        @Override
        public void write(byte[] b, int off, int len) {
            writer.write(new String(b, off, len, StandardCharsets.UTF_8));
            writer.flush(); // the guest's write(2) is unbuffered
        }

        @Override
        public void flush() { writer.flush(); }
    }
}
