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
 *
 * <p>Start-up: when the first argument names a subcommand, only that subcommand's picocli model is built
 * (picocli builds each by reflection, ~10 ms apiece), and the A64 decoder table ({@code A64}'s static
 * initialiser, ~50 ms) is built on a daemon thread while picocli parses and the machine is composed. The
 * top-level help, {@code help}, no arguments and anything else get the whole command line, so every
 * message is what it would be with all subcommands. A plain {@code run} command line skips picocli's model
 * altogether ({@link RunCommand#fastParse}; anything it does not take goes through picocli).
 */
@Command(name = "cachevisor",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An ARMv8-A virtualization platform whose caches hold data, with a coherence oracle "
                + "that names every stale read.")
public final class Main implements Runnable {

    /** Exit status for bad input. */
    public static final int EXIT_USAGE = 2;
    /** Exit status for an internal error (a bug in the simulator). */
    public static final int EXIT_SOFTWARE = 70;

    /** The subcommands, in the order the usage help lists them (added by {@link #commandLine(String...)}). */
    static final String[] SUBCOMMANDS = {"help", "demo", "asm", "disasm", "exec", "run", "scenarios", "explore"};

    /** picocli's system property: comma-separated regular expressions of types to register no converter for. */
    static final String PICOCLI_CONVERTER_EXCLUDES = "picocli.converters.excludes";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // picocli registers converters for java.sql and java.time types by reflection (~40 ms of class loading);
        // no option of ours has such a type
        if (System.getProperty(PICOCLI_CONVERTER_EXCLUDES) == null) System.setProperty(PICOCLI_CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\..*");
        if (args.length > 0 && !"help".equals(args[0]) && newSubcommand(args[0]) != null) buildDecoderInBackground();
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        if (args.length > 0 && "run".equals(args[0])) {
            // A plain `run` command line needs no picocli model (see RunCommand.fastParse); the rest does.
            RunCommand run = RunCommand.fastParse(java.util.Arrays.copyOfRange(args, 1, args.length));
            if (run != null) {
                run.directOut = out;
                run.directErr = err;
                int status;
                try {
                    status = run.call();
                } catch (RuntimeException e) {
                    status = executionFailure(e, err);
                }
                System.exit(status);
            }
        }
        System.exit(execute(args, out, err));
    }

    /**
     * What a subcommand's exception becomes: bad input (UserError, IllegalArgumentException, an I/O error)
     * one line and {@link #EXIT_USAGE}; anything else a simulator bug, its stack trace and {@link #EXIT_SOFTWARE}.
     */
    static int executionFailure(Exception ex, PrintWriter err) {
        if (ex instanceof UserError || ex instanceof IllegalArgumentException
                || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
            err.println("cachevisor: error: " + ex.getMessage());
            return EXIT_USAGE;
        }
        err.println("cachevisor: internal error (a simulator bug, please report it):");
        ex.printStackTrace(err);
        return EXIT_SOFTWARE;
    }

    /** Runs the command line with the given streams; returns the exit status (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command line with all subcommands (error handlers). */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The configured command line for {@code commandArgs}: when {@code commandArgs[0]} names a subcommand other than
     * {@code help}, only that subcommand (the parse and every message are the same as with all of them, as
     * picocli matches later arguments against that subcommand alone); for {@code --version} alone, none;
     * otherwise all of them.
     */
    static CommandLine commandLine(String... commandArgs) {
        CommandLine cl = new CommandLine(new Main());
        Object only = commandArgs.length == 0 || "help".equals(commandArgs[0]) ? null : newSubcommand(commandArgs[0]);
        if (only != null) {
            cl.addSubcommand(new CommandLine(only));
        } else if (commandArgs.length == 1 && ("--version".equals(commandArgs[0]) || "-V".equals(commandArgs[0]))) {
            // the version alone: no subcommand takes part
        } else {
            for (String name : SUBCOMMANDS) cl.addSubcommand(new CommandLine(newSubcommand(name)));
        }
        // Each subcommand as a CommandLine: addSubcommand(Object) would drop what exec's model transformer
        // set (stopAtPositional), as the annotation's subcommands list does not.
        // After the subcommands: picocli passes these settings down to the subcommands present.
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("cachevisor: error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> executionFailure(ex, c.getErr()));
        return cl;
    }

    /** A new instance of subcommand {@code name}, or null if there is none of that name. */
    static Object newSubcommand(String name) {
        return switch (name) {
            case "help" -> new CommandLine.HelpCommand();
            case "demo" -> new DemoCommand();
            case "asm" -> new AsmCommand();
            case "disasm" -> new DisasmCommand();
            case "exec" -> new ExecCommand();
            case "run" -> new RunCommand();
            case "scenarios" -> new ScenariosCommand();
            case "explore" -> new ExploreCommand();
            default -> null;
        };
    }

    /**
     * Starts building the A64 decoder table (the isa module's {@code A64} class initialiser) on a daemon
     * thread, to overlap the command-line parse and the machine's composition; the first decode waits for it
     * if it is not done (the JVM serialises class initialisation). The table is a pure function of the
     * sources, so which thread builds it changes nothing. If building it fails, the first decode reports the
     * failure (a NoClassDefFoundError) as an internal error.
     */
    static void buildDecoderInBackground() {
        Thread t = new Thread(new DecoderInit(), "cachevisor-decoder-init");
        t.setDaemon(true);
        t.start();
    }

    /** A class rather than a lambda: the thread starts before the JVM has bootstrapped any lambda. */
    private static final class DecoderInit implements Runnable {
        @Override
        public void run() {
            try {
                Class.forName("org.cachevisor.isa.A64", true, Main.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // reported by the first decode on the main thread (see above)
            }
        }
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
