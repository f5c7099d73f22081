package org.cachevisor.memsys;

import java.util.Arrays;

/**
 * The backing store of one RAM region: sparse, so a 4 GiB region costs only the 4 KiB pages that
 * were ever written. Reads of a page never written return zeros and allocate nothing.
 *
 * <p>Layout: a directory of chunks of {@value #CHUNK_PAGES} page references (16 MiB of address
 * space each); a chunk is allocated on the first write into it, a page on the first write into it.
 * Offsets are relative to the region's base PA. Callers have checked bounds; an access never crosses
 * a page (accesses are split per cache line, and lines are at most 256 bytes, page-aligned).
 */
final class SparseRam {
    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE_SIZE - 1;
    static final int CHUNK_SHIFT = 12; // pages per chunk = 4096 -> 16 MiB per chunk
    static final int CHUNK_PAGES = 1 << CHUNK_SHIFT;
    /**
     * A line of zeros as long as the longest line (256 bytes), never written: zeroing a line is a
     * System.arraycopy from it, an intrinsic under C1 too, where Arrays.fill is a byte loop.
     */
    static final byte[] ZERO_LINE = new byte[256];

    private final long size;
    private final byte[][][] chunks;
    private long pagesAllocated;

    SparseRam(long size) {
        this.size = size;
        long pages = (size + PAGE_SIZE - 1) >>> PAGE_SHIFT;
        long nChunks = (pages + CHUNK_PAGES - 1) >>> CHUNK_SHIFT;
        if (nChunks > Integer.MAX_VALUE) throw new IllegalArgumentException("RAM region too large: " + size);
        this.chunks = new byte[(int) nChunks][][];
    }

    long size() { return size; }

    /** The number of 4 KiB pages allocated so far (each written at least once). */
    long pagesAllocated() { return pagesAllocated; }

    /** The page holding {@code offset}, or null if it was never written (it reads as zeros). */
    byte[] pageOrNull(long offset) {
        long page = offset >>> PAGE_SHIFT;
        byte[][] chunk = chunks[(int) (page >>> CHUNK_SHIFT)];
        return chunk == null ? null : chunk[(int) page & (CHUNK_PAGES - 1)];
    }

    /** The page holding {@code offset}, allocated (zero-filled) if needed. */
    byte[] page(long offset) {
        long page = offset >>> PAGE_SHIFT;
        int c = (int) (page >>> CHUNK_SHIFT);
        byte[][] chunk = chunks[c];
        if (chunk == null) chunks[c] = chunk = new byte[CHUNK_PAGES][];
        int p = (int) page & (CHUNK_PAGES - 1);
        byte[] bytes = chunk[p];
        if (bytes == null) {
            chunk[p] = bytes = new byte[PAGE_SIZE];
            pagesAllocated++;
        }
        return bytes;
    }

    /** Reads {@code size} (1..8) bytes little-endian at {@code offset} (within one page). */
    long read(long offset, int size) {
        byte[] p = pageOrNull(offset);
        return p == null ? 0L : LittleEndian.get(p, (int) offset & PAGE_MASK, size);
    }

    /** Writes the low {@code size} (1..8) bytes of {@code value} at {@code offset} (within one page). */
    void write(long offset, int size, long value) {
        LittleEndian.put(page(offset), (int) offset & PAGE_MASK, size, value);
    }

    /** Copies {@code len} bytes at {@code offset} (within one page) into {@code dst}. */
    void copyOut(long offset, byte[] dst, int dstOff, int len) {
        byte[] p = pageOrNull(offset);
        if (p == null) {
            if (len <= ZERO_LINE.length) System.arraycopy(ZERO_LINE, 0, dst, dstOff, len);
            else Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
        }
        else System.arraycopy(p, (int) offset & PAGE_MASK, dst, dstOff, len);
    }

    /** Copies {@code len} bytes from {@code src} to {@code offset} (within one page). */
    void copyIn(long offset, byte[] src, int srcOff, int len) {
        System.arraycopy(src, srcOff, page(offset), (int) offset & PAGE_MASK, len);
    }
}
