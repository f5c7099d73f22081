package org.cachevisor.oracle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The oracle's reference memory: a flat, sparse, byte-addressed copy of what every location should
 * hold, i.e. the value of the last write to it in event order, with that write's {@link Stamp}. No
 * caches, no attributes, no levels: this is the deliberately simple model the memory system is
 * checked against.
 *
 * <p>Pages of {@value #PAGE_SIZE} bytes are allocated on the first write (or seed, or learned value)
 * to them, found through a {@link ChunkDirectory} (a radix, no hashing); a page never touched costs
 * nothing. Per page: {@code byte[] value} (null while every byte of the page is 0, as after a page is
 * zeroed: allocated by the first nonzero byte stored), and the stamps per 8-byte granule ({@code long[] granule}):
 * a granule whose bytes were all last written by one write (or seeded, or never written) keeps that
 * one stamp; a granule of mixed origin holds {@link #MIXED} and its bytes' stamps are in the page's
 * {@code byteStamp} array, allocated the first time a granule of the page becomes mixed. So a page
 * written in doublewords (or larger aligned pieces) costs 2 bytes per byte (1 while it holds only
 * zeros); one with narrower writes 10.
 */
final class FlatMemory {
    /** Little-endian 8-byte view of a page's value array (one load/store per aligned-or-not word). */
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE_SIZE - 1;
    static final int GRANULE_SHIFT = 3;
    static final int GRANULE = 1 << GRANULE_SHIFT;

    /** A granule stamp meaning "see byteStamp" (WRITTEN without KNOWN: no real stamp looks like it). */
    static final long MIXED = Stamp.WRITTEN;

    /** One page: expected byte values and their attribution. */
    static final class Page {
        /** The bytes' expected values; null while all are 0 (see {@link #values()}). */
        byte[] value;
        final long[] granule = new long[PAGE_SIZE >> GRANULE_SHIFT];
        long[] byteStamp;

        /** The value array, allocated (all zeros) if the page had none yet: for storing a nonzero byte. */
        byte[] values() {
            byte[] v = value;
            return v != null ? v : (value = new byte[PAGE_SIZE]);
        }

        /** The expected value of byte {@code off} of the page. */
        byte value(int off) {
            byte[] v = value;
            return v == null ? 0 : v[off];
        }

        /** The stamp of byte {@code off} of the page. */
        long stamp(int off) {
            long g = granule[off >> GRANULE_SHIFT];
            return g != MIXED ? g : byteStamp[off];
        }

        /** {@link #stamp(int, int, long)} for 1..8 bytes inside one granule, {@code n} < 8 or aligned. */
        void stampInGranule(int off, int n, long stamp) {
            int gi = off >> GRANULE_SHIFT;
            if (n == GRANULE) {
                granule[gi] = stamp;
                return;
            }
            long g = granule[gi];
            long[] b = byteStamp;
            if (g != MIXED) {
                if (b == null) byteStamp = b = new long[PAGE_SIZE];
                int gStart = gi << GRANULE_SHIFT;
                for (int i = 0; i < GRANULE; i++) b[gStart + i] = g;
                granule[gi] = MIXED;
            }
            for (int i = 0; i < n; i++) b[off + i] = stamp;
        }

        /** Sets the stamp of bytes [off, off + n) (inside the page). */
        void stamp(int off, int n, long stamp) {
            int end = off + n;
            while (off < end) {
                int gi = off >> GRANULE_SHIFT;
                int gStart = gi << GRANULE_SHIFT;
                int gEnd = gStart + GRANULE;
                if (off == gStart && end >= gEnd) {
                    granule[gi] = stamp; // the whole granule: uniform again
                    off = gEnd;
                    continue;
                }
                int stop = Math.min(end, gEnd);
                long g = granule[gi];
                if (g != stamp) {
                    if (g != MIXED) {
                        if (byteStamp == null) byteStamp = new long[PAGE_SIZE];
                        java.util.Arrays.fill(byteStamp, gStart, gEnd, g);
                        granule[gi] = MIXED;
                    }
                    java.util.Arrays.fill(byteStamp, off, stop, stamp);
                }
                off = stop;
            }
        }
    }

    /** Entries of the direct-mapped cache of recently used pages (a power of two). */
    private static final int CACHED = 64;

    private final ChunkDirectory<Page> pages = new ChunkDirectory<>();
    /**
     * Direct-mapped page cache: entry {@code pn & (CACHED - 1)} holds page number cachedPn[e] (-1:
     * none) and its Page, so the per-access lookup is a compare and two loads from this object's
     * arrays (code and data pages, the pages of a copy, do not evict each other).
     */
    private final long[] cachedPn = new long[CACHED];
    private final Page[] cachedPage = new Page[CACHED];

    FlatMemory() {
        java.util.Arrays.fill(cachedPn, -1L);
    }

    /** The value array of the page holding {@code pa}, or null if it holds only zeros (or was never stored to). */
    byte[] valuesOrNull(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        int e = (int) pn & (CACHED - 1);
        if (cachedPn[e] == pn) return cachedPage[e].value;
        Page p = pageOrNull(pa);
        return p == null ? null : p.value;
    }

    /** The page holding {@code pa}, or null if nothing was ever stored in it. */
    Page pageOrNull(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        int e = (int) pn & (CACHED - 1);
        if (cachedPn[e] == pn) return cachedPage[e];
        Page p = pages.get(pn);
        if (p != null) remember(e, pn, p);
        return p;
    }

    /** The page holding {@code pa}, allocated (all bytes unknown) if absent. */
    Page page(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        int e = (int) pn & (CACHED - 1);
        if (cachedPn[e] == pn) return cachedPage[e];
        Page p = pages.get(pn);
        if (p == null) pages.put(pn, p = new Page());
        remember(e, pn, p);
        return p;
    }

    private void remember(int e, long pn, Page p) {
        cachedPn[e] = pn;
        cachedPage[e] = p;
    }

    /** Stores one byte with its stamp. */
    void store(long pa, byte value, long stamp) {
        Page p = page(pa);
        int off = (int) (pa & PAGE_MASK);
        if (value != 0 || p.value != null) p.values()[off] = value;
        p.stamp(off, 1, stamp);
    }

    /** Stores {@code len} bytes of {@code src} from {@code srcOff} at {@code pa}, all with one stamp. */
    void store(long pa, byte[] src, int srcOff, int len, long stamp) {
        int i = 0;
        while (i < len) {
            long p = pa + i;
            Page page = page(p);
            int off = (int) (p & PAGE_MASK);
            int n = Math.min(len - i, PAGE_SIZE - off);
            System.arraycopy(src, srcOff + i, page.values(), off, n);
            page.stamp(off, n, stamp);
            i += n;
        }
    }

    /** The stamp of the byte at {@code pa} (0 if never stored). */
    long stamp(long pa) {
        Page p = pageOrNull(pa);
        return p == null ? 0L : p.stamp((int) (pa & PAGE_MASK));
    }

    /** The stored value of the byte at {@code pa} (0 if never stored). */
    byte value(long pa) {
        Page p = pageOrNull(pa);
        return p == null ? 0 : p.value((int) (pa & PAGE_MASK));
    }

    /** Number of pages allocated (for memory reports and tests). */
    int pageCount() { return pages.size(); }
}
