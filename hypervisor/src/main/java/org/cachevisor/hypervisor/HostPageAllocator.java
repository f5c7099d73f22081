package org.cachevisor.hypervisor;

import java.util.BitSet;

/**
 * The host kernel's page allocator over one host RAM region: 4 KiB pages, lowest free page first
 * (deterministic, and it hands a just-freed page to the next request, as a buddy allocator's hot
 * free list does: the page-recycle scenario depends on that), plus naturally aligned 2 MiB runs
 * for block mappings (what a transparent huge page gives KVM).
 *
 * <p>It only hands out physical addresses; it never touches memory (zeroing is {@link HostKernel}'s job).
 */
public final class HostPageAllocator {
    public static final long PAGE_SIZE = 4096, BLOCK_SIZE = 2L << 20;
    private static final int PAGES_PER_BLOCK = (int) (BLOCK_SIZE / PAGE_SIZE);

    private final long basePa;
    private final int pages;
    private final BitSet used;
    private int inUse;

    /**
     * An allocator over {@code [basePa, basePa + size)}.
     *
     * @throws IllegalArgumentException if base or size is not 4 KiB aligned, or the region is empty or too large
     */
    public HostPageAllocator(long basePa, long size) {
        if (basePa < 0 || (basePa & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("host RAM base pa 0x%x is not 4 KiB aligned", basePa));
        }
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0 || size / PAGE_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format("host RAM size 0x%x is not a positive multiple of 4 KiB", size));
        }
        this.basePa = basePa;
        this.pages = (int) (size / PAGE_SIZE);
        this.used = new BitSet(pages);
    }

    public long basePa() { return basePa; }

    public long endPa() { return basePa + (long) pages * PAGE_SIZE; }

    /** Pages currently allocated. */
    public int pagesInUse() { return inUse; }

    /** Pages free. */
    public int pagesFree() { return pages - inUse; }

    /**
     * The lowest free page.
     *
     * @throws IllegalStateException if no page is free (host out of memory)
     */
    public long allocPage() {
        int i = used.nextClearBit(0);
        if (i >= pages) throw new IllegalStateException("host out of memory: all " + pages + " pages of host RAM are in use");
        used.set(i);
        inUse++;
        return basePa + (long) i * PAGE_SIZE;
    }

    /**
     * The lowest free, 2 MiB aligned (in PA) run of 512 pages, or -1 if there is none.
     */
    public long allocBlock() {
        long firstAligned = (basePa + BLOCK_SIZE - 1) & -BLOCK_SIZE;
        for (long pa = firstAligned; pa + BLOCK_SIZE <= endPa(); pa += BLOCK_SIZE) {
            int first = (int) ((pa - basePa) / PAGE_SIZE);
            int nextUsed = used.nextSetBit(first);
            if (nextUsed < 0 || nextUsed >= first + PAGES_PER_BLOCK) {
                used.set(first, first + PAGES_PER_BLOCK);
                inUse += PAGES_PER_BLOCK;
                return pa;
            }
        }
        return -1;
    }

    /** True if the page holding {@code pa} is allocated. */
    public boolean isAllocated(long pa) {
        return pa >= basePa && pa < endPa() && used.get((int) ((pa - basePa) / PAGE_SIZE));
    }

    /**
     * Frees the page at {@code pa}.
     *
     * @throws IllegalArgumentException if {@code pa} is not a page of this region or is not allocated
     */
    public void freePage(long pa) {
        if ((pa & (PAGE_SIZE - 1)) != 0 || pa < basePa || pa >= endPa()) {
            throw new IllegalArgumentException(String.format("pa 0x%x is not a page of host RAM [0x%x, 0x%x)", pa, basePa, endPa()));
        }
        int i = (int) ((pa - basePa) / PAGE_SIZE);
        if (!used.get(i)) throw new IllegalArgumentException(String.format("double free of host page pa 0x%x", pa));
        used.clear(i);
        inUse--;
    }
}
