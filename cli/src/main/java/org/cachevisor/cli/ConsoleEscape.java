package org.cachevisor.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The console's escape sequences in the byte stream from the user to the guest's UART, as QEMU's
 * {@code -nographic} console (its character-device multiplexer) has them, with the escape byte Ctrl-A
 * (0x01):
 * <ul>
 *   <li>Ctrl-A x (or X): quit; the bytes before it still reach the guest, {@code onQuit} runs, nothing
 *       after it is passed on;</li>
 *   <li>Ctrl-A Ctrl-A: one Ctrl-A to the guest;</li>
 *   <li>Ctrl-A followed by any other byte: both dropped (QEMU's unknown commands).</li>
 * </ul>
 * A Ctrl-A at the end of one read waits for the next read to learn its command. Only
 * {@link #read(byte[], int, int)} (what {@code Pl011Uart.feedAvailable} uses) and {@link #read()} filter;
 * {@link #available()} is the underlying stream's (an upper bound of what a read returns).
 */
final class ConsoleEscape extends FilterInputStream {
    /** Ctrl-A, QEMU's default escape byte. */
    static final int ESCAPE = 0x01;

    private final Runnable onQuit;
    private boolean escapePending;
    private boolean quit;

    ConsoleEscape(InputStream in, Runnable onQuit) {
        super(in);
        if (in == null || onQuit == null) throw new IllegalArgumentException("console escape: null stream or action");
        this.onQuit = onQuit;
    }

    /** True once Ctrl-A x was read. */
    boolean quit() { return quit; }

    @Override
    public int available() throws IOException {
        return quit ? 0 : super.available();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        while (true) {
            int n = read(one, 0, 1);
            if (n < 0) return -1;
            if (n == 1) return one[0] & 0xFF;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (quit) return -1;
        int got = super.read(b, off, len);
        if (got <= 0) return got;
        int kept = 0;
        for (int i = 0; i < got; i++) {
            int c = b[off + i] & 0xFF;
            if (escapePending) {
                escapePending = false;
                if (c == 'x' || c == 'X') {
                    quit = true;
                    onQuit.run();
                    return kept;
                }
                if (c == ESCAPE) b[off + kept++] = (byte) ESCAPE;
                continue; // an unknown command: dropped with its escape
            }
            if (c == ESCAPE) {
                escapePending = true;
                continue;
            }
            b[off + kept++] = (byte) c;
        }
        return kept;
    }
}
