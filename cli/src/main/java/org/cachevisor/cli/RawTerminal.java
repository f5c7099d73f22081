package org.cachevisor.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The user's terminal in raw-ish mode for the length of a run, as QEMU's {@code -nographic} console sets
 * it: each key reaches the guest when typed (no line editing; a key stops U-Boot's autoboot countdown),
 * no local echo (the guest echoes), Ctrl-C goes to the guest (Ctrl-A X quits, see {@link ConsoleEscape}),
 * Enter sends CR. Done with {@code stty} on {@code /dev/tty} (Java has no termios); the settings saved by
 * {@code stty -g} are restored on {@link #close()} and, should the JVM be killed, by a shutdown hook.
 * Nothing happens when the console is not a terminal (a pipe, a file, a test).
 */
final class RawTerminal implements AutoCloseable {
    private static final RawTerminal NONE = new RawTerminal(null);

    private final String saved;
    private final Thread hook;

    private RawTerminal(String saved) {
        this.saved = saved;
        this.hook = saved == null ? null : new Thread(() -> stty(saved));
        if (hook != null) Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Switches the terminal to raw mode if {@code stdinIsConsole}, the JVM has a console (stdin and stdout
     * are a terminal) and {@code stty} works; otherwise (or on any failure) changes nothing.
     */
    static RawTerminal enterIfInteractive(boolean stdinIsConsole) {
        if (!stdinIsConsole || System.console() == null || !new File("/dev/tty").canRead()) return NONE;
        String saved = stty("-g");
        if (saved == null || saved.isBlank()) return NONE;
        if (stty("-icanon", "-echo", "-isig", "-ixon", "-icrnl", "min", "1", "time", "0") == null) return NONE;
        return new RawTerminal(saved.trim());
    }

    @Override
    public void close() {
        if (saved == null) return;
        stty(saved);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** Runs stty on /dev/tty; its output, or null if it failed. */
    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
