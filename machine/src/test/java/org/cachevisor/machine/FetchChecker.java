package org.cachevisor.machine;

import java.util.HashMap;
import java.util.Map;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.MemoryObserver;

/**
 * A stand-in for the coherence oracle's fetch checks, written from scratch for the PE tests: expected bytes
 * from every write (learned at the first read of a byte never written), a fetch that returns anything else
 * is stale; if {@code verifies}, it passes lines for the PE's fetch-line copies
 * ({@link MemoryObserver#readWouldPass}), else it sees every fetch.
 */
final class FetchChecker implements MemoryObserver {
    final Map<Long, Byte> expected = new HashMap<>();
    final boolean verifies;
    int fetchEvents, staleFetches;

    FetchChecker(boolean verifies) { this.verifies = verifies; }

    @Override
    public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
        for (int i = 0; i < size; i++) expected.put(pa + i, (byte) ((i < 8 ? lo >>> (8 * i) : hi >>> (8 * (i - 8)))));
    }

    @Override
    public void onRead(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi, int source) {
        if (kind != AccessKind.FETCH) return;
        fetchEvents++;
        boolean stale = false;
        for (int i = 0; i < size; i++) {
            byte seen = (byte) (lo >>> (8 * i));
            Byte e = expected.putIfAbsent(pa + i, seen);
            if (e != null && e != seen) stale = true;
        }
        if (stale) staleFetches++;
    }

    @Override
    public boolean readWouldPass(long pa, byte[] bytes, int off, int len) {
        if (!verifies) return false;
        for (int i = 0; i < len; i++) {
            Byte e = expected.get(pa + i);
            if (e != null && e != bytes[off + i]) return false;
        }
        // A read of these bytes would pass and learn the unknown ones: learn them now.
        for (int i = 0; i < len; i++) expected.putIfAbsent(pa + i, bytes[off + i]);
        return true;
    }
}
