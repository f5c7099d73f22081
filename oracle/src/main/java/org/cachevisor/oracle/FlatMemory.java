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
 * to them; a page never touched costs nothing. Per page: {@code byte[] value} and
 * {@code long[] stamp} (parallel arrays). A one-entry page cache makes consecutive accesses to one
 * page a compare and a field load.
 */
final class FlatMemory {
    /** Little-endian 8-byte view of a page's value array (one load/store per aligned-or-not word). */
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE_SIZE - 1;

    /** One page: expected byte values and their attribution. */
    static final class Page {
        final byte[] value = new byte[PAGE_SIZE];
        final long[] stamp = new long[PAGE_SIZE];
    }

    private final LongIntMap index = new LongIntMap(1 << 10);
    private Page[] pages = new Page[256];
    private long cachedPageNumber = -1;
    private Page cachedPage;

    /** The page holding {@code pa}, or null if nothing was ever stored in it. */
    Page pageOrNull(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        if (pn == cachedPageNumber) return cachedPage;
        int slot = index.get(pn);
        if (slot < 0) return null;
        cachedPageNumber = pn;
        cachedPage = pages[slot];
        return cachedPage;
    }

    /** The page holding {@code pa}, allocated (all bytes unknown) if absent. */
    Page page(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        if (pn == cachedPageNumber) return cachedPage;
        int slot = index.getOrAdd(pn);
        if (slot >= pages.length) {
            Page[] bigger = new Page[pages.length * 2];
            System.arraycopy(pages, 0, bigger, 0, pages.length);
            pages = bigger;
        }
        Page p = pages[slot];
        if (p == null) {
            p = new Page();
            pages[slot] = p;
        }
        cachedPageNumber = pn;
        cachedPage = p;
        return p;
    }

    /** Stores one byte with its stamp. */
    void store(long pa, byte value, long stamp) {
        Page p = page(pa);
        int off = (int) (pa & PAGE_MASK);
        p.value[off] = value;
        p.stamp[off] = stamp;
    }

    /** The stamp of the byte at {@code pa} (0 if never stored). */
    long stamp(long pa) {
        Page p = pageOrNull(pa);
        return p == null ? 0L : p.stamp[(int) (pa & PAGE_MASK)];
    }

    /** The stored value of the byte at {@code pa} (0 if never stored). */
    byte value(long pa) {
        Page p = pageOrNull(pa);
        return p == null ? 0 : p.value[(int) (pa & PAGE_MASK)];
    }

    /** Number of pages allocated (for memory reports and tests). */
    int pageCount() { return index.size(); }
}
