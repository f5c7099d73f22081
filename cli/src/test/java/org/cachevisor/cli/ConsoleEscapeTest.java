package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ctrl-A sequences on the console input, expected bytes by hand (QEMU's mux: x quits, Ctrl-A Ctrl-A sends one, others dropped). */
class ConsoleEscapeTest {
    private static byte[] readAll(InputStream in, int chunk) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[chunk];
        for (int n; (n = in.read(b, 0, chunk)) >= 0; ) out.write(b, 0, n);
        return out.toByteArray();
    }

    @Test
    void read_ctrlAX_passesWhatCameBeforeThenQuitsOnce() throws IOException {
        AtomicInteger quits = new AtomicInteger();
        ConsoleEscape in = new ConsoleEscape(new ByteArrayInputStream(new byte[] {'a', 'b', 1, 'x', 'c'}), quits::incrementAndGet);
        assertThat(readAll(in, 16)).containsExactly('a', 'b');
        assertThat(quits.get()).isEqualTo(1);
        assertThat(in.quit()).isTrue();
        assertThat(in.available()).isZero();
    }

    @Test
    void read_escapeSplitAcrossReads_stillRecognised() throws IOException {
        AtomicInteger quits = new AtomicInteger();
        ConsoleEscape in = new ConsoleEscape(new ByteArrayInputStream(new byte[] {'q', 1, 'X'}), quits::incrementAndGet);
        assertThat(readAll(in, 2)).containsExactly('q');
        assertThat(quits.get()).isEqualTo(1);
    }

    @Test
    void read_doubleCtrlAAndUnknownCommand_oneCtrlAPassedUnknownDropped() throws IOException {
        AtomicInteger quits = new AtomicInteger();
        ConsoleEscape in = new ConsoleEscape(new ByteArrayInputStream(new byte[] {1, 1, 'k', 1, 'h', 'z'}), quits::incrementAndGet);
        assertThat(readAll(in, 16)).containsExactly(1, 'k', 'z');
        assertThat(quits.get()).isZero();
    }
}
