package org.cachevisor.oracle;

import java.util.Arrays;

/**
 * A sparse directory from a chunk number (a physical address shifted right by the chunk size, so at
 * most 52 - 4 = 48 bits) to a lazily allocated chunk object: a three-level radix (top level grown on
 * demand, then two levels of {@value #FAN} entries), no hashing. A direct-mapped cache of the
 * {@value #CACHED} chunks looked up last (by chunk number) makes most lookups a compare and a load
 * (code and data pages, or an L1 line and its victim, do not evict each other); a miss is three
 * dependent array loads.
 *
 * <p>Callers allocate chunks themselves: {@code C c = dir.get(n); if (c == null) dir.put(n, c = new C())}.
 */
final class ChunkDirectory<C> {
    private static final int BITS = 12;
    private static final int FAN = 1 << BITS;
    private static final int MASK = FAN - 1;

    /** Entries of the direct-mapped cache of recent lookups (a power of two). */
    private static final int CACHED = 16;

    /** top[n >>> 24] -> mid[(n >>> 12) & MASK] -> leaf[n & MASK] = the chunk. */
    private Object[][][] top = new Object[1][][];
    /** Direct-mapped cache: entry {@code n & (CACHED - 1)} holds chunk number cachedNumber[e] (-1: none). */
    private final long[] cachedNumber = new long[CACHED];
    private final Object[] cached = new Object[CACHED];
    private int count;

    ChunkDirectory() {
        Arrays.fill(cachedNumber, -1L);
    }

    /** The chunk numbered {@code n} (>= 0), or null if none was put. */
    @SuppressWarnings("unchecked")
    C get(long n) {
        int e = (int) n & (CACHED - 1);
        if (cachedNumber[e] == n) return (C) cached[e];
        return (C) walk(n);
    }

    private Object walk(long n) {
        long t = n >>> (2 * BITS);
        if (t >= top.length) return null;
        Object[][] mid = top[(int) t];
        if (mid == null) return null;
        Object[] leaf = mid[(int) (n >>> BITS) & MASK];
        if (leaf == null) return null;
        Object c = leaf[(int) n & MASK];
        if (c != null) {
            int e = (int) n & (CACHED - 1);
            cachedNumber[e] = n;
            cached[e] = c;
        }
        return c;
    }

    /** Installs chunk {@code c} as number {@code n} (>= 0; allocation, once per chunk). */
    void put(long n, C c) {
        long t = n >>> (2 * BITS);
        if (t >= top.length) top = Arrays.copyOf(top, (int) Math.max(t + 1, top.length * 2L));
        Object[][] mid = top[(int) t];
        if (mid == null) top[(int) t] = mid = new Object[FAN][];
        Object[] leaf = mid[(int) (n >>> BITS) & MASK];
        if (leaf == null) mid[(int) (n >>> BITS) & MASK] = leaf = new Object[FAN];
        if (leaf[(int) n & MASK] == null) count++;
        leaf[(int) n & MASK] = c;
        int e = (int) n & (CACHED - 1);
        cachedNumber[e] = n;
        cached[e] = c;
    }

    /** Number of chunks put. */
    int size() { return count; }
}
