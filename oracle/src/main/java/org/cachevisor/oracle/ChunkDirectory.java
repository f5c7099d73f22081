package org.cachevisor.oracle;

import java.util.Arrays;

/**
 * A sparse directory from a chunk number (a physical address shifted right by the chunk size, so at
 * most 52 - 4 = 48 bits) to a lazily allocated chunk object: a three-level radix (top level grown on
 * demand, then two levels of {@value #FAN} entries), no hashing. A one-entry cache of the last chunk
 * looked up makes runs of events in one chunk a compare and a field load; a miss is three dependent
 * array loads.
 *
 * <p>Callers allocate chunks themselves: {@code C c = dir.get(n); if (c == null) dir.put(n, c = new C())}.
 */
final class ChunkDirectory<C> {
    private static final int BITS = 12;
    private static final int FAN = 1 << BITS;
    private static final int MASK = FAN - 1;

    /** top[n >>> 24] -> mid[(n >>> 12) & MASK] -> leaf[n & MASK] = the chunk. */
    private Object[][][] top = new Object[1][][];
    private long cachedNumber = -1;
    private Object cached;
    private int count;

    /** The chunk numbered {@code n} (>= 0), or null if none was put. */
    @SuppressWarnings("unchecked")
    C get(long n) {
        if (n == cachedNumber) return (C) cached;
        long t = n >>> (2 * BITS);
        if (t >= top.length) return null;
        Object[][] mid = top[(int) t];
        if (mid == null) return null;
        Object[] leaf = mid[(int) (n >>> BITS) & MASK];
        if (leaf == null) return null;
        Object c = leaf[(int) n & MASK];
        if (c != null) {
            cachedNumber = n;
            cached = c;
        }
        return (C) c;
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
        cachedNumber = n;
        cached = c;
    }

    /** Number of chunks put. */
    int size() { return count; }
}
