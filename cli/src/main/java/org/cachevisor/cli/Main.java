package org.cachevisor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The only {@code main()} of Cachevisor, and the composition root: subcommands wire the modules.
 *
 * <p>Errors: bad input (an unknown option, a malformed file, an impossible configuration) ends in one
 * line {@code cachevisor: error: ...} on stderr and exit status 2; an unexpected exception (a simulator
 * bug) prints its stack trace and exits with 70 (EX_SOFTWARE).
 */
@Command(name = "cachevisor",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An ARMv8-A virtualization platform whose caches hold data, with a coherence oracle "
                + "that names every stale read.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, AsmCommand.class, DisasmCommand.class, ExecCommand.class, RunCommand.class, ScenariosCommand.class, ExploreCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad input. */
    public static final int EXIT_USAGE = 2;
    /** Exit status for an internal error (a bug in the simulator). */
    public static final int EXIT_SOFTWARE = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit status (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command line (subcommands, error handlers). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("cachevisor: error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof UserError || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                c.getErr().println("cachevisor: error: " + ex.getMessage());
                return EXIT_USAGE;
            }
            c.getErr().println("cachevisor: internal error (a simulator bug, please report it):");
            ex.printStackTrace(c.getErr());
            return EXIT_SOFTWARE;
        });
        return cl;
    }

    /** Bad input detected by a command: reported as one line, exit status 2. */
    public static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UserError(String message) { super(message, null, false, false); }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cachevisor " + (v == null ? "(development build)" : v)};
        }
    }
}
